using System.Globalization;
using System.Text;
using System.Text.Json;
using FuncSync.Json;
using FuncSync.Skus;
using Microsoft.Azure.Functions.Worker;

namespace FuncSync.Catalog;

/// <summary>The SKU map over HTTP, for the dashboard and the command line: read it as JSON or as the CSV a
/// seller keeps in a spreadsheet, import a CSV (a background job), edit one SKU. An import is all-or-nothing at
/// validation: one bad row and nothing is kept, and every bad row is reported with its line and column.</summary>
public sealed class MappingFunctions(SkuMapStore map, CatalogImporter importer, ImportFiles files, ImportJobStore jobs, CatalogImportSender importQueue, TimeProvider time)
{
    public const string ListName = "ListMappings";
    public const string ListRoute = "mappings";
    public const string ImportName = "ImportMappings";
    public const string CsvRoute = "mappings.csv";
    public const string EditName = "EditMapping";
    public const string EditRoute = "mappings/{sku}";

    [Function(ListName)]
    public async Task<IResult> ListAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = ListRoute)] HttpRequest request, CancellationToken cancellationToken) =>
        Results.Json(await ListAsync(cancellationToken), FuncSyncJson.Default.MappingList);

    /// <summary>The whole SKU map as CSV (GET), or a CSV that replaces it (PUT): one route, so one function.</summary>
    [Function(ImportName)]
    public Task<IResult> CsvAsync([HttpTrigger(AuthorizationLevel.Function, "get", "put", Route = CsvRoute)] HttpRequest request, CancellationToken cancellationToken) =>
        HttpMethods.IsGet(request.Method) ? ExportAsync(cancellationToken) : ImportAsync(request, cancellationToken);

    public async Task<MappingList> ListAsync(CancellationToken cancellationToken)
    {
        var mappings = new List<SkuMapping>();
        await foreach (var mapping in map.ListAsync(cancellationToken))
        {
            mappings.Add(mapping);
        }

        var costs = SkuCosts.Of(mappings);
        return new MappingList([.. mappings.Select(m => MappingView.From(m, costs[m.Sku]))]);
    }

    public async Task<IResult> ExportAsync(CancellationToken cancellationToken)
    {
        var mappings = new List<SkuMapping>();
        await foreach (var mapping in map.ListAsync(cancellationToken))
        {
            mappings.Add(mapping);
        }

        using var text = new StringWriter(CultureInfo.InvariantCulture);
        SkuMapCsv.Write(text, mappings.OrderBy(m => m.Sku, StringComparer.Ordinal));
        return Results.File(Encoding.UTF8.GetBytes(text.ToString()), "text/csv; charset=utf-8", "skumap.csv");
    }

    /// <summary>Stores the file and queues its job: 202 with the job's address at once, the rows applied in the
    /// background (<see cref="ImportJobRunner"/>). The whole file is checked first: one bad row and nothing is kept,
    /// and every bad row is answered at once.</summary>
    public async Task<IResult> ImportAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > ImportFiles.MaxBytes)
        {
            return TooLarge();
        }

        // The same Idempotency-Key sent again is the same job, never a second import.
        var key = request.Headers["Idempotency-Key"].ToString();
        if (key.Length > 0 && (key.Length > 100 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return Problem("An Idempotency-Key is 1 to 100 letters, digits, '-' or '_'.");
        }

        var id = key.Length > 0 ? key : Guid.NewGuid().ToString("N");
        if (await jobs.GetAsync(id, cancellationToken) is { } known)
        {
            return Accepted(request, known);
        }

        if (!await files.StoreAsync(id, request.Body, cancellationToken))
        {
            return TooLarge();
        }

        SkuMapParse parsed;
        await using (var stored = await files.OpenReadAsync(id, cancellationToken))
        {
            using var reader = new StreamReader(stored, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            parsed = SkuMapCsv.Parse(reader);
        }

        if (parsed.Errors.Count > 0)
        {
            await files.DeleteAsync(id, cancellationToken);
            return Results.Json(new ImportRejected(parsed.Errors), FuncSyncJson.Default.ImportRejected, statusCode: StatusCodes.Status400BadRequest);
        }

        var now = time.GetUtcNow();
        var job = new ImportJob(id, ImportState.Queued, "csv", parsed.Rows.Count, parsed.Rows.Count(r => r.Quantity is not null), 0, 0, 0, 0, null, now, now, null);
        if (!await jobs.TryCreateAsync(job, cancellationToken))
        {
            // The same key raced in twice; the first one's job stands.
            return Accepted(request, (await jobs.GetAsync(id, cancellationToken))!);
        }

        // Queued after the job row: a lost send leaves a job that is visibly stuck at 0 %, never a message without a job.
        await importQueue.SendAsync(new ImportQueued(id), cancellationToken);
        return Accepted(request, job);
    }

    private static IResult Accepted(HttpRequest request, ImportJob job)
    {
        var view = ImportJobView.From(job);
        request.HttpContext.Response.Headers.Location = view.Url;
        return Results.Json(view, FuncSyncJson.Default.ImportJobView, statusCode: StatusCodes.Status202Accepted);
    }

    private static IResult TooLarge() =>
        Results.Json(new ProblemBody($"The file is larger than {ImportFiles.MaxBytes / (1024 * 1024)} MiB; split it in parts of fewer SKUs."), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status413PayloadTooLarge);

    [Function(EditName)]
    public async Task<IResult> EditAsync([HttpTrigger(AuthorizationLevel.Function, "put", Route = EditRoute)] HttpRequest request, string sku, CancellationToken cancellationToken)
    {
        var (body, error) = await AdminRequests.ReadObjectAsync(request, cancellationToken);
        if (error is not null)
        {
            return Problem(error);
        }

        if (body.TryGetProperty("sku", out var named) && named.ValueKind == JsonValueKind.String && named.GetString() != sku)
        {
            return Problem($"The body names SKU {named.GetString()}, the address {sku}; a SKU is renamed by mapping the new one.");
        }

        if (body.TryGetProperty("quantity", out _))
        {
            return Problem("An edit changes the mapping only; count stock with PUT /api/skus/{sku}/count.");
        }

        var errors = new List<SkuMapError>();
        var row = SkuMapRowReader.Read(column => column == SkuMapCsv.Sku ? sku : Field(body, column), 1, errors);
        if (row is null)
        {
            return Results.Json(new ImportRejected(errors), FuncSyncJson.Default.ImportRejected, statusCode: StatusCodes.Status400BadRequest);
        }

        await importer.ImportAsync([row], Guid.NewGuid().ToString("N"), "edit", cancellationToken);
        return Results.Json((await ListAsync(cancellationToken)).Mappings.Single(m => m.Sku == sku), FuncSyncJson.Default.MappingView);
    }

    /// <summary>An edit's fields are the CSV's columns in camelCase (a listing field's <see cref="Channels.ListingField.Name"/>),
    /// as numbers or strings.</summary>
    private static string? Field(JsonElement body, string column)
    {
        var name = MappingView.JsonName(column);
        return body.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                JsonValueKind.Null => null,
                _ => value.GetRawText(),
            }
            : null;
    }

    private static IResult Problem(string error) =>
        Results.Json(new ProblemBody(error), FuncSyncJson.Default.ProblemBody, statusCode: StatusCodes.Status400BadRequest);
}

/// <summary>One SKU map row as JSON: the SKU's own columns in camelCase, its listing on each channel (the channel's
/// schema fields, named as in an edit), and which composed SKUs use this one.</summary>
public sealed record MappingView(
    string Sku,
    string Title,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, object>> Listings,
    string Components,
    int? LeadTimeDays,
    int? LowStock,
    int? MadeToOrder,
    string Tags,
    IReadOnlyList<string> UsedBy)
{
    /// <summary>The SKU's own <c>unit_cost</c> (for a composed SKU, the extra on top of its parts).</summary>
    public decimal? UnitCost { get; init; }

    /// <summary>What one unit costs in all: for a bundle or made-to-order piece its parts' costs plus its own extra;
    /// null when a cost it needs is missing.</summary>
    public decimal? Cost { get; init; }

    /// <param name="cost">The SKU's whole unit cost (<see cref="SkuCosts"/>).</param>
    public static MappingView From(SkuMapping mapping, decimal? cost) => new(
        mapping.Sku,
        mapping.Title,
        mapping.ChannelListings.ToDictionary(l => l.Channel.ToString(), l => l.Values()),
        mapping.IsComposed ? ComponentList.Format(mapping.Parts) : string.Empty,
        mapping.LeadTimeDays,
        mapping.LowStock,
        mapping.MadeToOrder,
        SkuTags.Format(mapping.Tags),
        mapping.UsedBy)
    {
        UnitCost = mapping.UnitCost,
        Cost = cost,
    };

    public static string JsonName(string column)
    {
        var words = column.Split('_');
        return words[0] + string.Concat(words.Skip(1).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
    }
}

public sealed record MappingList(IReadOnlyList<MappingView> Mappings);

/// <summary>A rejected import or edit: nothing was written.</summary>
public sealed record ImportRejected(IReadOnlyList<SkuMapError> Errors);

