using System.Text.Json;
using FsCheck.Xunit;
using FuncSync.Hosting.Invocation;

namespace FuncSync.Hosting.Tests.Invocation;

public sealed class InvocationEnvelopeTests
{
    [Property]
    public bool UnwrapString_HostEncodedString_ReturnsOriginal(string? original) =>
        original is null || InvocationEnvelope.UnwrapString(JsonSerializer.Serialize(original)) == original;

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("""{"sku":"A1"}""", """{"sku":"A1"}""")]
    [InlineData("\"unterminated", "\"unterminated")]
    [InlineData("\"a\" and \"b\"", "\"a\" and \"b\"")]
    public void UnwrapString_NotAJsonStringLiteral_ReturnsInputUnchanged(string input, string expected) =>
        Assert.Equal(expected, InvocationEnvelope.UnwrapString(input));

    [Fact]
    public void ParseQueue_NoData_ThrowsFormatException()
    {
        using var document = JsonDocument.Parse("""{"Metadata":{}}""");

        Assert.Throws<FormatException>(() => InvocationEnvelope.ParseQueue(document.RootElement));
    }
}
