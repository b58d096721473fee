using System.Text.Json.Serialization;
using FuncSync.Domain.Simulation;

namespace FuncSync.Cli;

internal sealed record CountBody(int Quantity, string Note);

internal sealed record AdjustBody(int Delta, string Reason, string? Note);

internal sealed record LaunchBody(string Name, IReadOnlyList<string> Skus, string? SkuPrefix, string? Tag, DateTimeOffset? Start, int DurationMinutes);

internal sealed record PauseBody(IReadOnlyList<string> Skus, string? SkuPrefix, string? Tag, IReadOnlyList<string> Channels, string By, string Reason);

internal sealed record ResumeBody(string By, string? Reason);

internal sealed record CountRoundBody(string? Name, IReadOnlyList<string>? Skus, string? Tag, string? Week, string By);

internal sealed record RoundCountBody(int Quantity, string Round);

internal sealed record CountReviewBody(string Reason, string? Note, string By);

internal sealed record ExportWritten(string Path, int Skus);

internal sealed record SimulationReport(string Scenario, int Items, int UnitsPerItem, int Buyers, decimal CostPerOversoldUnit, IReadOnlyList<FlashSaleResult> Results);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CountBody))]
[JsonSerializable(typeof(AdjustBody))]
[JsonSerializable(typeof(LaunchBody))]
[JsonSerializable(typeof(PauseBody))]
[JsonSerializable(typeof(ResumeBody))]
[JsonSerializable(typeof(CountRoundBody))]
[JsonSerializable(typeof(RoundCountBody))]
[JsonSerializable(typeof(CountReviewBody))]
[JsonSerializable(typeof(ExportWritten))]
[JsonSerializable(typeof(SimulationReport))]
internal sealed partial class CliJson : JsonSerializerContext;
