using System.Text.Json;
using System.Text.Json.Serialization;
using FuncSync.Catalog;
using FuncSync.Domain;
using FuncSync.Push;
using FuncSync.Storage;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Square;

/// <summary>Queue function on <c>square-level-checks</c>: after the settling delay, compares Square's count of a mapped
/// variation with what FuncSync's push record explains (<see cref="ChannelLevelCheck"/>). The backstop for what
/// <see cref="SquareCountIntake"/> cannot explain from Square's change log: a count at the register, a correction, an
/// order not readable yet.</summary>
public sealed class SquareLevelCheckFunction(SkuMapStore map, ChannelLevelCheck check, SquareInventory square, ILogger<SquareLevelCheckFunction> logger)
{
    public const string Name = "SquareLevelCheck";

    public const string Reason = "changed in Square";

    [Function(Name)]
    public async Task RunAsync([QueueTrigger(StorageNames.SquareLevelChecks, Connection = StorageNames.Connection)] string message, CancellationToken cancellationToken)
    {
        var changed = JsonSerializer.Deserialize(message, SquareJson.Default.SquareCountChanged)
            ?? throw new InvalidDataException("The level check message is empty.");
        var mapping = await map.GetAsync(changed.Sku, cancellationToken);
        if (mapping?.Square?.VariationId != changed.VariationId)
        {
            logger.LogInformation("Square variation {Variation} is no longer mapped to {Sku}; count change ignored", changed.VariationId, changed.Sku);
            return;
        }

        var change = new LevelChange(
            EventId: $"square:level:{changed.EventId}:{changed.VariationId}",
            Source: SquareWebhook.Source,
            Reason: Reason,
            Reference: "Square count of " + changed.VariationId,
            OccurredAt: changed.OccurredAt,
            ReceivedAt: changed.ReceivedAt);
        await check.CheckAsync(mapping, Channel.Square, async ct => (await square.ReadAsync(mapping, ct)).Quantity, change, cancellationToken);
    }
}

/// <summary>A mapped Square variation's count changed; checked after a settling delay.</summary>
public sealed record SquareCountChanged(string EventId, string VariationId, string Sku, DateTimeOffset OccurredAt, DateTimeOffset ReceivedAt);

[JsonSourceGenerationOptions(RespectNullableAnnotations = true)]
[JsonSerializable(typeof(SquareCountChanged))]
internal sealed partial class SquareJson : JsonSerializerContext;
