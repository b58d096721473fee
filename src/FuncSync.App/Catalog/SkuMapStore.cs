using Azure;
using Azure.Data.Tables;
using FuncSync.Channels;
using FuncSync.Ledger;
using FuncSync.Storage;

namespace FuncSync.Catalog;

/// <summary>The SKU map in Table Storage: a row per SKU with its listings, and a reverse row per
/// listing so a sale on a channel finds its SKU with one point read. Each listing's fields are stored under its
/// channel schema's property names. A mapping read here carries the enabled channels' listings only, so a channel
/// the seller turned off is neither written nor counted in a share; its listing stays in the row for when it is
/// turned on again. A listing belongs to one SKU: mapping it to another takes it off the SKU that had it, in the same
/// transaction, or that SKU's pushes would go on writing its own count over the new one's. Every write touches the stock
/// grid's change marker once it has committed, so an open grid picks the new or changed rows up.</summary>
public sealed class SkuMapStore(TableClient table, ShopPartition shop, ChannelRegistry channels, GridChangeMarker? changes = null)
{
    private const string SkuPrefix = "sku";
    private const string ListingPrefix = "listing";

    public async Task UpsertAsync(SkuMapping mapping, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await TryUpsertAsync(mapping, takeOver: attempt > 1, cancellationToken);
                await TouchAsync(cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 10)
            {
                // Another import touched the same rows, or a listing this mapping adds belongs to another SKU: read them
                // again, and look up who has the listings it adds.
            }
        }
    }

    /// <summary>A SKU's mapping, with the composed SKUs that use it; null when nobody mapped it.</summary>
    public async Task<SkuMapping?> GetAsync(string sku, CancellationToken cancellationToken)
    {
        var row = await ReadAsync(sku, cancellationToken);
        return row is not null && row.GetBoolean("Mapped") != false ? FromEntity(row, EnabledSchemas) : null;
    }

    /// <summary>The composed SKUs (bundles, made-to-order listings) that use <paramref name="part"/>.</summary>
    public async Task<IReadOnlyList<string>> ParentsOfAsync(string part, CancellationToken cancellationToken) =>
        UsedBy(await ReadAsync(part, cancellationToken));

    /// <summary>Maps many SKUs of their own stock (no components) in entity-group transactions of up to 100 rows: one
    /// range read of the rows they replace, then each SKU's row with its reverse listing rows, a SKU's rows always in
    /// one transaction. Running it twice leaves the same rows.</summary>
    /// <param name="claimed">Listings that other rows of the same import map: never deleted as stale here, whichever
    /// row of the file comes first.</param>
    /// <returns>Per SKU, the composed SKUs that use it (kept on its row), for the pushes a count of it owes them.</returns>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> UpsertBatchAsync(IReadOnlyList<SkuMapping> mappings, IReadOnlySet<ListingRef> claimed, CancellationToken cancellationToken)
    {
        if (mappings.Any(m => m.IsComposed))
        {
            throw new ArgumentException("A composed SKU changes its parts' rows: map it with UpsertAsync.", nameof(mappings));
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (mappings.Count == 0)
                {
                    return new Dictionary<string, IReadOnlyList<string>>();
                }

                var usedBy = await TryUpsertBatchAsync(mappings, claimed, takeOver: attempt > 1, cancellationToken);
                await TouchAsync(cancellationToken);
                return usedBy;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < 10)
            {
                // An edit touched one of the rows meanwhile, or a listing a row adds belongs to another SKU: read the
                // range again, and look up who has the listings the rows add. Transactions already committed are
                // planned again as replacements of themselves.
            }
        }
    }

    private async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> TryUpsertBatchAsync(IReadOnlyList<SkuMapping> mappings, IReadOnlySet<ListingRef> claimed, bool takeOver, CancellationToken cancellationToken)
    {
        var keys = mappings.Select(m => SkuKey(m.Sku)).ToList();
        var first = keys.Min(StringComparer.Ordinal)!;
        var last = keys.Max(StringComparer.Ordinal)!;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {first} and RowKey le {last}");
        var existing = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            existing[row.RowKey] = row;
        }

        var taken = takeOver ? await TakeOverAsync(mappings, mappings.Select(m => m.Sku), existing, cancellationToken) : null;
        var actions = new List<TableTransactionAction>(TableBatch.MaxActions);
        foreach (var mapping in mappings)
        {
            var planned = Plan(mapping, existing.GetValueOrDefault(SkuKey(mapping.Sku)), claimed, taken);
            if (actions.Count + planned.Count > TableBatch.MaxActions)
            {
                await table.SubmitTransactionAsync(TableBatch.Validate(actions), cancellationToken);
                actions = new List<TableTransactionAction>(TableBatch.MaxActions);
            }

            actions.AddRange(planned);
        }

        await table.SubmitTransactionAsync(TableBatch.Validate(actions), cancellationToken);
        return mappings.ToDictionary(m => m.Sku, m => (IReadOnlyList<string>)UsedBy(existing.GetValueOrDefault(SkuKey(m.Sku))), StringComparer.Ordinal);
    }

    private async Task TryUpsertAsync(SkuMapping mapping, bool takeOver, CancellationToken cancellationToken)
    {
        var existingRow = await ReadAsync(mapping.Sku, cancellationToken);
        var existing = existingRow is not null && existingRow.GetBoolean("Mapped") != false ? FromEntity(existingRow, EnabledSchemas) : null;
        var parts = mapping.Parts.Select(c => c.Sku).ToHashSet(StringComparer.Ordinal);
        var dropped = (existing?.Parts.Select(c => c.Sku) ?? []).Where(p => !parts.Contains(p)).ToHashSet(StringComparer.Ordinal);

        // The parts' rows change in this transaction too: none of them is also updated as a listing's old owner.
        var taken = takeOver
            ? await TakeOverAsync([mapping], [mapping.Sku, .. parts, .. dropped], existingRow is null ? new Dictionary<string, TableEntity>() : new() { [existingRow.RowKey] = existingRow }, cancellationToken)
            : null;
        var actions = Plan(mapping, existingRow, new HashSet<ListingRef>(), taken);

        foreach (var part in parts.Concat(dropped))
        {
            var partRow = await ReadAsync(part, cancellationToken);
            var usedBy = UsedBy(partRow).ToHashSet(StringComparer.Ordinal);
            var changed = parts.Contains(part) ? usedBy.Add(mapping.Sku) : usedBy.Remove(mapping.Sku);
            if (!changed)
            {
                continue;
            }

            // A part nobody mapped yet gets a placeholder row that only carries the list.
            var update = new TableEntity(shop.Key, SkuKey(part)) { ["UsedBy"] = string.Join(';', usedBy.Order(StringComparer.Ordinal)) };
            actions.Add(partRow is null
                ? new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(update) { ["Sku"] = part, ["Mapped"] = false })
                : new TableTransactionAction(TableTransactionActionType.UpdateMerge, update, partRow.ETag));
        }

        await table.SubmitTransactionAsync(TableBatch.Validate(actions), cancellationToken);
    }

    /// <summary>A SKU's own row (an Add, or a replace guarded by the ETag of <paramref name="existingRow"/>), its reverse
    /// listing rows, and the deletes of reverse rows it no longer maps.</summary>
    /// <param name="taken">Null on a first attempt: a listing the row did not map before is added as a new reverse row,
    /// which fails if another SKU has it. Otherwise, what <see cref="TakeOverAsync"/> found: the listings' reverse rows
    /// are replaced, and the rows of the SKUs that had them lose them in the same transaction.</param>
    private List<TableTransactionAction> Plan(SkuMapping mapping, TableEntity? existingRow, IReadOnlySet<ListingRef> claimed, IReadOnlyDictionary<string, List<TableTransactionAction>>? taken)
    {
        var existing = existingRow is not null && existingRow.GetBoolean("Mapped") != false ? FromEntity(existingRow, EnabledSchemas) : null;
        var had = MappedListings(existingRow);
        var entity = ToEntity(mapping);

        // A listing on a channel turned off is kept unless this mapping names one there.
        foreach (var schema in ChannelModules.Schemas.Where(s => !channels.IsEnabled(s.Channel) && mapping.On(s.Channel) is null))
        {
            foreach (var field in schema.Fields)
            {
                if (existingRow?.TryGetValue(field.Property, out var kept) == true)
                {
                    entity[field.Property] = kept;
                }
            }
        }

        // Which composed SKUs use this one is kept on its own row, so a sale finds them with the read
        // it makes anyway; re-mapping the SKU keeps that list.
        entity["UsedBy"] = existingRow?.GetString("UsedBy");
        var actions = new List<TableTransactionAction>
        {
            existingRow is null
                ? new(TableTransactionActionType.Add, entity)
                : new(TableTransactionActionType.UpdateReplace, entity, existingRow.ETag),
        };

        var current = mapping.Listings.ToHashSet();
        foreach (var listing in current)
        {
            var reverse = new TableEntity(shop.Key, ListingKey(listing)) { ["Sku"] = mapping.Sku };
            var added = taken is null && !had.Contains(listing);
            actions.Add(new TableTransactionAction(added ? TableTransactionActionType.Add : TableTransactionActionType.UpsertReplace, reverse));
        }

        actions.AddRange(taken?.GetValueOrDefault(mapping.Sku) ?? []);

        // A listing moved to another SKU (or dropped) must stop resolving to this one.
        foreach (var stale in existing?.Listings.Where(l => !current.Contains(l) && !claimed.Contains(l)) ?? [])
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(shop.Key, ListingKey(stale)), ETag.All));
        }

        return actions;
    }

    /// <summary>Who has the listings <paramref name="mappings"/> add (one point read of each one's reverse row) and, for
    /// each SKU outside <paramref name="writing"/> whose row maps one of them, its row without those listings, guarded by
    /// its ETag, filed under the first SKU that takes one so each row changes once, in that SKU's transaction.</summary>
    private async Task<Dictionary<string, List<TableTransactionAction>>> TakeOverAsync(
        IReadOnlyList<SkuMapping> mappings, IEnumerable<string> writing, IReadOnlyDictionary<string, TableEntity> existing, CancellationToken cancellationToken)
    {
        var written = writing.ToHashSet(StringComparer.Ordinal);
        var adds = mappings
            .SelectMany(m => m.Listings.Except(MappedListings(existing.GetValueOrDefault(SkuKey(m.Sku)))).Select(listing => (Listing: listing, Sku: m.Sku)))
            .ToList();
        var owners = await Task.WhenAll(adds.Select(async a => (a.Listing, a.Sku, Owner: await FindSkuAsync(a.Listing, cancellationToken))));
        var taken = new Dictionary<string, List<TableTransactionAction>>(StringComparer.Ordinal);
        foreach (var loser in owners.Where(o => o.Owner is { } owner && !written.Contains(owner)).GroupBy(o => o.Owner!, StringComparer.Ordinal))
        {
            var row = await ReadAsync(loser.Key, cancellationToken);
            var had = MappedListings(row);
            var lost = loser.Where(o => had.Contains(o.Listing)).ToList();
            if (row is null || lost.Count == 0)
            {
                // A reverse row left pointing at a SKU that no longer maps the listing: replacing it is enough.
                continue;
            }

            var dropped = lost.SelectMany(o => ChannelModules.Of(o.Listing.Channel).Listing.Fields.Select(f => f.Property)).ToHashSet(StringComparer.Ordinal);
            var kept = new TableEntity(shop.Key, row.RowKey);
            foreach (var (name, value) in row.Where(p => p.Key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag") && !dropped.Contains(p.Key)))
            {
                kept[name] = value;
            }

            if (!taken.TryGetValue(lost[0].Sku, out var updates))
            {
                taken[lost[0].Sku] = updates = [];
            }

            updates.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, kept, row.ETag));
        }

        return taken;
    }

    /// <summary>Every listing a SKU row maps, on any channel, enabled or not; none for no row or a part's placeholder.</summary>
    private static HashSet<ListingRef> MappedListings(TableEntity? row) =>
        row is not null && row.GetBoolean("Mapped") != false ? FromEntity(row, ChannelModules.Schemas).Listings.ToHashSet() : [];

    /// <summary>The SKUs whose mapping rows the service wrote at or after <paramref name="since"/> (its own clock), in
    /// one query that reads only the SKU column.</summary>
    public async Task<IReadOnlyList<string>> ChangedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var from = SkuPrefix + TableKeys.Separator;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {from} and RowKey lt {TableKeys.PrefixEnd(from)} and Timestamp ge {since}");
        var skus = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["Sku"], cancellationToken: cancellationToken))
        {
            skus.Add(row.GetString("Sku"));
        }

        return skus;
    }

    private Task TouchAsync(CancellationToken cancellationToken) =>
        changes?.TouchAsync(cancellationToken) ?? Task.CompletedTask;

    private async Task<TableEntity?> ReadAsync(string sku, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, SkuKey(sku), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    private static string[] UsedBy(TableEntity? row) =>
        row?.GetString("UsedBy") is { Length: > 0 } text ? text.Split(';') : [];

    private static string SkuKey(string sku) => TableKeys.Join(SkuPrefix, sku);

    public async Task<string?> FindSkuAsync(ListingRef listing, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(shop.Key, ListingKey(listing), ["Sku"], cancellationToken);
        return row.HasValue ? row.Value!.GetString("Sku") : null;
    }

    public IAsyncEnumerable<SkuMapping> ListAsync(CancellationToken cancellationToken) => ListAsync(null, cancellationToken);

    /// <summary>Every mapped SKU in key order.</summary>
    /// <param name="maxPerPage">Rows per storage request: a reader that wants the first few asks for a page that size
    /// instead of the service's 1,000.</param>
    public async IAsyncEnumerable<SkuMapping> ListAsync(int? maxPerPage, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var from = SkuPrefix + TableKeys.Separator;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shop.Key} and RowKey ge {from} and RowKey lt {TableKeys.PrefixEnd(from)}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage, cancellationToken: cancellationToken))
        {
            if (row.GetBoolean("Mapped") != false)
            {
                yield return FromEntity(row, EnabledSchemas);
            }
        }
    }

    private static string ListingKey(ListingRef listing) => TableKeys.Join(ListingPrefix, listing.Channel.ToString(), listing.Key);


    private TableEntity ToEntity(SkuMapping mapping)
    {
        var entity = new TableEntity(shop.Key, SkuKey(mapping.Sku))
        {
            ["Sku"] = mapping.Sku,
            ["Title"] = mapping.Title,
        };
        foreach (var listing in mapping.ChannelListings)
        {
            var schema = ChannelModules.Of(listing.Channel).Listing;
            foreach (var (name, value) in listing.Values())
            {
                entity[schema.Fields.Single(f => f.Name == name).Property] = value;
            }
        }

        if (mapping.IsComposed)
        {
            entity["Components"] = ComponentList.Format(mapping.Parts);
        }

        entity["LeadTimeDays"] = mapping.LeadTimeDays;
        entity["LowStock"] = mapping.LowStock;
        entity["MadeToOrder"] = mapping.MadeToOrder;
        entity["Tags"] = mapping.Tags.Count > 0 ? SkuTags.Format(mapping.Tags) : null;

        // Table Storage has no decimal type and a double would turn 0.1 into 0.1000000000000000055: kept as invariant text.
        entity["UnitCost"] = mapping.UnitCost?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return entity;
    }

    private IEnumerable<ListingSchema> EnabledSchemas => channels.Enabled.Select(c => c.Listing);

    private static SkuMapping FromEntity(TableEntity row, IEnumerable<ListingSchema> schemas)
    {
        var listings = schemas.Select(schema => schema.Read(
            schema.Fields
                .Select(f => (f.Name, Value: f.Type == ListingFieldType.Number ? (object?)row.GetInt64(f.Property) : row.GetString(f.Property)))
                .Where(f => f.Value is not null)
                .ToDictionary(f => f.Name, f => f.Value!, StringComparer.Ordinal),
            (_, _) => { }));
        var components = row.GetString("Components") is { Length: > 0 } text ? ComponentList.Parse(text) : null;
        return new SkuMapping(row.GetString("Sku"), row.GetString("Title") ?? string.Empty, listings, components) { UsedBy = UsedBy(row), LeadTimeDays = row.GetInt32("LeadTimeDays"), LowStock = row.GetInt32("LowStock"), MadeToOrder = row.GetInt32("MadeToOrder"), Tags = SkuTags.Parse(row.GetString("Tags")), UnitCost = ParseCost(row.GetString("UnitCost")) };
    }

    private static decimal? ParseCost(string? text) =>
        decimal.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var cost) ? cost : null;
}
