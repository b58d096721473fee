using FuncSync.Storage;

namespace FuncSync.App.Tests.Storage;

public sealed class TableKeysTests
{
    [Theory]
    [InlineData("NECK-MOON-01", "NECK-MOON-01")]
    [InlineData("a/b", "a%2Fb")]
    [InlineData("a\\b#c?d", "a%5Cb%23c%3Fd")]
    [InlineData("50%", "50%25")]
    [InlineData("x|y", "x%7Cy")]
    [InlineData("tab\there", "tab%09here")]
    public void Escape_ForbiddenCharacters_PercentEncoded(string raw, string escaped)
    {
        Assert.Equal(escaped, TableKeys.Escape(raw));
    }

    [Theory]
    [InlineData("NECK-MOON-01")]
    [InlineData("a/b\\c#d?e%f|g")]
    [InlineData("50%25 literally")]
    [InlineData("tab\there\u0085")]
    public void Unescape_EscapedKey_GivesBackTheValue(string raw)
    {
        Assert.Equal(raw, TableKeys.Unescape(TableKeys.Escape(raw)));
    }

    [Fact]
    public void Join_PartsContainingTheSeparator_StayDistinct()
    {
        Assert.NotEqual(TableKeys.Join("a|b", "c"), TableKeys.Join("a", "b|c"));
    }

    [Fact]
    public void PrefixEnd_SortsAfterEveryKeyWithThePrefix()
    {
        var end = TableKeys.PrefixEnd("sku|");

        Assert.True(string.CompareOrdinal("sku|zzzz", end) < 0);
        Assert.True(string.CompareOrdinal("sku}", end) >= 0);
    }
}
