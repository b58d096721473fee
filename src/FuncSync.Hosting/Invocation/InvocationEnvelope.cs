using System.Globalization;
using System.Text.Json;
using FuncSync.Hosting.Functions;

namespace FuncSync.Hosting.Invocation;

/// <summary>Reads the custom-handler request envelope <c>{"Data":{...},"Metadata":{...}}</c>. The host
/// JSON-encodes non-object values a second time (a string arrives as <c>"\"text\""</c>, a number as
/// <c>"1"</c>), while the documented sample shows them plain; both shapes are accepted.</summary>
internal static class InvocationEnvelope
{
    /// <summary>The binding name the publish step gives queue triggers; otherwise the first Data value is used.</summary>
    public const string QueueBindingName = "message";

    public const string TimerBindingName = "timer";

    public static QueueTriggerMessage ParseQueue(JsonElement root)
    {
        var data = TriggerValue(root, QueueBindingName);
        var body = data.ValueKind switch
        {
            JsonValueKind.String => UnwrapString(data.GetString()!),
            JsonValueKind.Null or JsonValueKind.Undefined => throw new FormatException("The envelope carries no queue message in Data."),
            _ => data.GetRawText(),
        };

        var metadata = Property(root, "Metadata");
        var id = metadata is { } m && Property(m, "Id") is { } idValue ? ReadString(idValue) : null;
        var dequeueCount = metadata is { } m2 && Property(m2, "DequeueCount") is { } countValue ? ReadLong(countValue) : null;
        var insertedOn = metadata is { } m3 && Property(m3, "InsertionTime") is { } insertedValue ? ReadTime(insertedValue) : null;
        return new QueueTriggerMessage(id ?? string.Empty, body, dequeueCount ?? 1, insertedOn);
    }

    public static TimerTriggerInfo ParseTimer(JsonElement root)
    {
        var timer = TriggerValue(root, TimerBindingName);
        if (timer.ValueKind == JsonValueKind.String)
        {
            // Tolerate a TimerInfo that was serialized to a string rather than sent as an object.
            using var inner = JsonDocument.Parse(UnwrapString(timer.GetString()!));
            return ParseTimerInfo(inner.RootElement.Clone());
        }

        return ParseTimerInfo(timer);
    }

    private static TimerTriggerInfo ParseTimerInfo(JsonElement timer)
    {
        if (timer.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("The envelope's timer value is not a TimerInfo object.");
        }

        var isPastDue = Property(timer, "IsPastDue") is { } pastDue && ReadBool(pastDue);
        DateTimeOffset? last = null;
        DateTimeOffset? next = null;
        if (Property(timer, "ScheduleStatus") is { ValueKind: JsonValueKind.Object } status)
        {
            last = Property(status, "Last") is { } l ? ReadTime(l) : null;
            next = Property(status, "Next") is { } n ? ReadTime(n) : null;
        }

        return new TimerTriggerInfo(isPastDue, last, next);
    }

    private static JsonElement TriggerValue(JsonElement root, string preferredName)
    {
        if (root.ValueKind != JsonValueKind.Object || Property(root, "Data") is not { ValueKind: JsonValueKind.Object } data)
        {
            throw new FormatException("The request is not an invocation envelope: it has no Data object.");
        }

        if (Property(data, preferredName) is { } preferred)
        {
            return preferred;
        }

        foreach (var property in data.EnumerateObject())
        {
            return property.Value;
        }

        throw new FormatException("The envelope's Data object is empty.");
    }

    /// <summary>Undoes the host's second encoding: a string whose content is itself a JSON string literal.</summary>
    internal static string UnwrapString(string value)
    {
        if (value.Length < 2 || value[0] != '"' || value[^1] != '"')
        {
            return value;
        }

        try
        {
            using var document = JsonDocument.Parse(value);
            return document.RootElement.ValueKind == JsonValueKind.String ? document.RootElement.GetString()! : value;
        }
        catch (JsonException)
        {
            return value;
        }
    }

    private static string? ReadString(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => UnwrapString(value.GetString()!),
        JsonValueKind.Null => null,
        _ => value.GetRawText(),
    };

    private static long? ReadLong(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
        {
            return number;
        }

        return ReadString(value) is { } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : null;
    }

    private static bool ReadBool(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => ReadString(value) is { } text && bool.TryParse(text, out var parsed) && parsed,
    };

    /// <summary>TimerInfo dates come without an offset; the host's schedules are UTC.</summary>
    private static DateTimeOffset? ReadTime(JsonElement value) =>
        ReadString(value) is { Length: > 0 } text
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : null;

    private static JsonElement? Property(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (element.TryGetProperty(name, out var exact))
        {
            return exact;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }
}
