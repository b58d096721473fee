namespace FuncSync.Alerts;

/// <summary>Something a seller must look at, on its way through the <c>alerts</c> queue.</summary>
/// <param name="Key">Identifies the condition, so repeats of one problem are one alert.</param>
public sealed record AlertRaised(AlertKind Kind, string Key, string Message, string? Sku, DateTimeOffset RaisedAt);

public enum AlertKind
{
    UnmappedListing,
    Oversell,
    PushFailed,
}
