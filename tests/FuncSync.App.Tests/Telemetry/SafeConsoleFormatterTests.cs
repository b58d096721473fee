using FuncSync.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FuncSync.App.Tests.Telemetry;

public sealed class SafeConsoleFormatterTests
{
    [Fact]
    public void Write_ValueWithNewlineAndEscapeCodes_OneLineWithEscapes()
    {
        var text = Format("Order {Order} applied", "#1001\ninfo: FuncSync[0] forged\u001B[2J", exception: null);

        Assert.Equal("info: Test[7] Order #1001\\ninfo: FuncSync[0] forged\\u001B[2J applied" + Environment.NewLine, text);
    }

    [Fact]
    public void Write_Exception_TypeAndMessageOnTheLineStackBelowIndented()
    {
        Exception thrown;
        try
        {
            throw new InvalidOperationException("broken\r\nline");
        }
        catch (InvalidOperationException ex)
        {
            thrown = ex;
        }

        var lines = Format("Failed {What}", "push", thrown).Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("info: Test[7] Failed push (System.InvalidOperationException: broken\\r\\nline)", lines[0]);
        Assert.All(lines.Skip(1), line => Assert.StartsWith("      at ", line, StringComparison.Ordinal));
        Assert.True(lines.Length > 1);
    }

    private static string Format(string template, string value, Exception? exception)
    {
        var state = new Dictionary<string, object?> { ["What"] = value, ["Order"] = value, ["{OriginalFormat}"] = template };
        string Formatter(IReadOnlyDictionary<string, object?> s, Exception? e) => template.Replace("{Order}", value, StringComparison.Ordinal).Replace("{What}", value, StringComparison.Ordinal);
        using var writer = new StringWriter();
        new SafeConsoleFormatter().Write(new LogEntry<IReadOnlyDictionary<string, object?>>(LogLevel.Information, "Test", new EventId(7), state, exception, Formatter), null, writer);
        return writer.ToString();
    }
}
