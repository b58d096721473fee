using System.Globalization;
using System.Text.Json.Serialization;
using FuncSync.Channels.State;
using FuncSync.Domain;
using Microsoft.Extensions.Options;

namespace FuncSync.Ebay;

/// <summary>Revisions of each eBay listing in eBay's calendar day, shared by every instance: one value per listing and
/// day in eBay's channel state, spent ETag-guarded before the write is sent, so the count never trails eBay's. A
/// revision is counted even when its answer is lost (eBay may have applied it): the count errs high, never low.</summary>
public sealed class EbayRevisionBudget([FromKeyedServices(Channel.Ebay)] ChannelState state, IOptions<EbayOptions> options, TimeProvider time)
{
    public static readonly StateKind<EbayRevisions> Kind = new("revisions", EbayStateJson.Default.EbayRevisions);

    /// <summary>Spends one revision of <paramref name="listingId"/> today when the rule allows it: a decrease while any
    /// revision is left, an increase only while more than the reserve for decreases is left.</summary>
    public async Task<RevisionSpend> TrySpendAsync(string listingId, bool decrease, CancellationToken cancellationToken)
    {
        var s = options.Value;
        var now = time.GetUtcNow();
        var key = Key(listingId, s.Day(now));
        while (true)
        {
            var existing = await state.GetAsync(Kind, key, cancellationToken);
            var used = existing?.Value.Used ?? 0;
            var left = s.RevisionsPerListingPerDay - used;
            var allowed = decrease ? left > 0 : left > s.RevisionsReservedForDecreases;
            if (!allowed)
            {
                return new RevisionSpend(false, used, left, s.NextDay(now));
            }

            var spent = new EbayRevisions(used + 1, now);
            var stored = existing is null
                ? await state.TryAddAsync(Kind, key, spent, cancellationToken)
                : await state.TryReplaceAsync(Kind, existing, spent, cancellationToken);
            if (stored is not null)
            {
                return new RevisionSpend(true, used + 1, left - 1, s.NextDay(now));
            }

            // Another push of this listing spent one meanwhile: count again.
        }
    }

    /// <summary>eBay refused a revision as over its daily limit (the seller revised the listing elsewhere too): nothing
    /// more is spent on it today.</summary>
    public async Task ExhaustAsync(string listingId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await state.UpsertAsync(Kind, Key(listingId, options.Value.Day(now)), new EbayRevisions(options.Value.RevisionsPerListingPerDay, now), cancellationToken);
    }

    /// <summary>Revisions of the listing counted today.</summary>
    public async Task<int> UsedTodayAsync(string listingId, CancellationToken cancellationToken) =>
        (await state.GetAsync(Kind, Key(listingId, options.Value.Day(time.GetUtcNow())), cancellationToken))?.Value.Used ?? 0;

    // Day first: one day's rows are one key range, and old days can be swept by prefix.
    private static string Key(string listingId, DateOnly day) => day.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "-" + listingId;
}

/// <param name="Used">Revisions counted in the day.</param>
public sealed record EbayRevisions(int Used, DateTimeOffset LastAt);

/// <param name="Spent">The revision may be made.</param>
/// <param name="Left">Revisions left today after this one (or without it, when not spent).</param>
/// <param name="NextDay">When eBay's next calendar day, and a fresh budget, begins.</param>
public sealed record RevisionSpend(bool Spent, int Used, int Left, DateTimeOffset NextDay);

[JsonSourceGenerationOptions(RespectNullableAnnotations = true)]
[JsonSerializable(typeof(EbayRevisions))]
[JsonSerializable(typeof(DateTimeOffset))]
internal sealed partial class EbayStateJson : JsonSerializerContext;
