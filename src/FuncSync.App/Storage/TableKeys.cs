using System.Text;

namespace FuncSync.Storage;

/// <summary>Builds PartitionKey and RowKey values. Table keys may not contain '/', '\', '#', '?' or
/// control characters, and channel ids (SKUs, event ids) can contain anything.</summary>
public static class TableKeys
{
    public const char Separator = '|';

    /// <summary>Percent-encodes the characters Table Storage forbids and the separator, so keys stay
    /// readable, unique and ordered by their natural prefix.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        StringBuilder? builder = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var forbidden = c is '/' or '\\' or '#' or '?' or '%' or Separator || char.IsControl(c);
            if (forbidden)
            {
                builder ??= new StringBuilder(value, 0, i, value.Length + 8);
                builder.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder?.Append(c);
            }
        }

        return builder?.ToString() ?? value;
    }

    /// <summary>The value <see cref="Escape"/> was given: every %XX back to its character.</summary>
    public static string Unescape(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var at = key.IndexOf('%', StringComparison.Ordinal);
        if (at < 0)
        {
            return key;
        }

        var builder = new StringBuilder(key, 0, at, key.Length);
        for (var i = at; i < key.Length; i++)
        {
            if (key[i] == '%' && i + 2 < key.Length && int.TryParse(key.AsSpan(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var code))
            {
                builder.Append((char)code);
                i += 2;
            }
            else
            {
                builder.Append(key[i]);
            }
        }

        return builder.ToString();
    }

    public static string Join(params string[] parts) => string.Join(Separator, parts.Select(Escape));

    /// <summary>The smallest key greater than every key that starts with <paramref name="prefix"/>;
    /// a range query [prefix, PrefixEnd(prefix)) lists one kind of row.</summary>
    public static string PrefixEnd(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);
}
