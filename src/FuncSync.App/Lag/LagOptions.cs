using FuncSync.Domain;

namespace FuncSync.Lag;

/// <summary><c>Lag__Objectives__Shopify=00:00:05</c>, <c>Lag__Objectives__Etsy=00:04:00</c>, <c>Lag__CheckSchedule</c>.</summary>
public sealed class LagOptions
{
    public const string Section = "Lag";
    public const string CheckScheduleSetting = "Lag:CheckSchedule";

    /// <summary>Per channel where the sale happened: the p95 of sale → every other channel accepted the new quantity
    /// must stay at or under this. Shopify defaults to 5 s (webhooks); Etsy to twice the longest poll interval.</summary>
    public Dictionary<Channel, TimeSpan> Objectives { get; set; } = [];

    /// <summary>How often the objectives are checked and the histograms written (six-field NCRONTAB).</summary>
    public string CheckSchedule { get; set; } = "0 * * * * *";
}
