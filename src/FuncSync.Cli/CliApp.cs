using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace FuncSync.Cli;

/// <summary><c>funcsync</c>: the verbs, their options, and what each prints and exits with. Every verb but
/// <c>simulate</c> talks to a FuncSync app's admin API, so the same commands work locally and in Azure.</summary>
public sealed class CliApp
{
    public const string UrlVariable = "FUNCSYNC_URL";
    public const string KeyVariable = "FUNCSYNC_KEY";
    public const string DefaultUrl = "http://127.0.0.1:7071";

    private static readonly string[] States = ["InSync", "Pushing", "Drift", "Unmapped", "Oversold"];

    private static readonly TimeSpan ImportPollInterval = TimeSpan.FromSeconds(1);

    private readonly TextWriter _out;
    private readonly TextWriter _err;
    private readonly Func<string, string?> _environment;
    private readonly HttpMessageHandler? _handler;
    private readonly TimeProvider _time;

    private readonly Option<string?> _url = new("--url") { Description = $"The app's base address (or {UrlVariable}); default {DefaultUrl}.", Recursive = true };
    private readonly Option<string?> _key = new("--key") { Description = $"The admin key, sent as x-functions-key (or {KeyVariable}).", Recursive = true };
    private readonly Option<bool> _json = new("--json") { Description = "Print the API's JSON instead of text.", Recursive = true };
    private readonly Option<int> _timeout = new("--timeout") { Description = "Seconds to wait for an answer.", Recursive = true, DefaultValueFactory = _ => 300 };

    public CliApp(TextWriter output, TextWriter error, Func<string, string?> environment, HttpMessageHandler? handler = null, TimeProvider? time = null)
    {
        _out = output;
        _err = error;
        _environment = environment;
        _handler = handler;
        _time = time ?? TimeProvider.System;
    }

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var root = Build();
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await _err.WriteLineAsync(error.Message);
            }

            await _err.WriteLineAsync("Run funcsync --help for the commands and their options.");
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = _out, Error = _err }, cancellationToken);
    }

    private RootCommand Build()
    {
        var root = new RootCommand("FuncSync from the command line: mappings, stock, reconcile, alerts, status, launches, pauses, cycle counts, margins, and the flash-sale simulator.");
        root.Options.Add(_url);
        root.Options.Add(_key);
        root.Options.Add(_json);
        root.Options.Add(_timeout);
        root.Subcommands.Add(Mappings());
        root.Subcommands.Add(Stock());
        root.Subcommands.Add(Reconcile());
        root.Subcommands.Add(Alerts());
        root.Subcommands.Add(Status());
        root.Subcommands.Add(Launches());
        root.Subcommands.Add(Pauses());
        root.Subcommands.Add(Counts());
        root.Subcommands.Add(Margins());
        root.Subcommands.Add(new SimulateCommand(_json, _out, _err).Build());
        return root;
    }

    private Command Mappings()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The SKU map CSV." };
        var export = new Command("export", "Write the SKU map to a CSV file (quantity left empty, so re-importing never resets stock).") { file };
        export.SetAction((parse, ct) => CallAsync(parse, async api =>
        {
            var answer = await api.GetAsync("api/mappings.csv", ct);
            if (!answer.IsSuccess)
            {
                return await FailAsync(answer);
            }

            var path = parse.GetValue(file)!.FullName;
            await File.WriteAllTextAsync(path, answer.Body, ct);
            var rows = answer.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1;
            await WriteAsync(parse, JsonSerializer.Serialize(new ExportWritten(path, rows), CliJson.Default.ExportWritten), $"Wrote {rows} SKUs to {path}.");
            return ExitCodes.Ok;
        }));

        var importFile = new Argument<FileInfo>("FILE") { Description = "The SKU map CSV." };
        var import = new Command("import", "Import a SKU map CSV: all rows or none (every bad row is listed); then applied in the background, with a progress bar until done.") { importFile };
        import.SetAction((parse, ct) => CallAsync(parse, async api =>
        {
            var source = parse.GetValue(importFile)!;
            if (!source.Exists)
            {
                await _err.WriteLineAsync($"{source.FullName} does not exist.");
                return ExitCodes.Usage;
            }

            var answer = await api.SendFileAsync(HttpMethod.Put, "api/mappings.csv", source, "text/csv", ct);
            if (answer.Status == HttpStatusCode.BadRequest && answer.Json() is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("errors", out var errors))
            {
                if (parse.GetValue(_json))
                {
                    await _out.WriteLineAsync(answer.Body);
                }
                else
                {
                    await _err.WriteLineAsync($"Nothing was imported: {errors.GetArrayLength()} row(s) need fixing.");
                    foreach (var error in errors.EnumerateArray())
                    {
                        var column = error.TryGetProperty("column", out var c) && c.ValueKind == JsonValueKind.String ? $", {c.GetString()}" : string.Empty;
                        await _err.WriteLineAsync($"  line {error.GetProperty("line").GetInt32()}{column}: {error.GetProperty("message").GetString()}");
                    }
                }

                return ExitCodes.Refused;
            }

            if (!answer.IsSuccess)
            {
                return await FailAsync(answer);
            }

            var job = await FollowImportAsync(parse, api, answer, ct);
            if (job is null)
            {
                return ExitCodes.Unreachable;
            }

            var state = Text(job.Value, "state");
            var summary = $"Import {Text(job.Value, "importId")}: {state}, {Text(job.Value, "appliedRows")} of {Text(job.Value, "rows")} SKUs applied, {Text(job.Value, "counted")} with a starting quantity.";
            if (state != "Completed")
            {
                await WriteAsync(parse, job.Value.GetRawText(), summary);
                await _err.WriteLineAsync($"The import failed: {Text(job.Value, "error")}");
                return ExitCodes.JobFailed;
            }

            await WriteAsync(parse, job.Value.GetRawText(), summary);
            return ExitCodes.Ok;
        }));

        return new Command("mappings", "The SKU map as a CSV file.") { export, import };
    }

    private Command Stock()
    {
        var sku = new Argument<string>("SKU");
        var quantity = new Argument<int>("N") { Description = "What is on the shelf." };
        var reason = new Option<string>("--reason") { Description = "Why (kept in the history).", Required = true };
        var count = new Command("count", "Set a SKU's on-hand quantity to what you counted on the shelf, packed units of unshipped orders included.") { sku, quantity, reason };
        count.SetAction((parse, ct) => CallAsync(parse, async api =>
        {
            var body = JsonSerializer.Serialize(new CountBody(parse.GetValue(quantity), parse.GetValue(reason)!), CliJson.Default.CountBody);
            return await StockChangedAsync(parse, await api.SendJsonAsync(HttpMethod.Put, $"api/skus/{Uri.EscapeDataString(parse.GetValue(sku)!)}/count", body, ct));
        }));

        var adjustSku = new Argument<string>("SKU");
        var delta = new Argument<int>("DELTA") { Description = "Units to add (+3) or take off (-1; write -- before a negative number if your shell needs it)." };
        var adjustReason = new Option<string>("--reason") { Description = "damaged, lost, found, gift, sample, received, correction or other.", Required = true };
        var note = new Option<string?>("--note") { Description = "Free text kept in the history." };
        var adjust = new Command("adjust", "Add or take off units, with a reason.") { adjustSku, delta, adjustReason, note };
        adjust.SetAction((parse, ct) => CallAsync(parse, async api =>
        {
            var body = JsonSerializer.Serialize(new AdjustBody(parse.GetValue(delta), parse.GetValue(adjustReason)!, parse.GetValue(note)), CliJson.Default.AdjustBody);
            return await StockChangedAsync(parse, await api.SendJsonAsync(HttpMethod.Post, $"api/skus/{Uri.EscapeDataString(parse.GetValue(adjustSku)!)}/adjustments", body, ct));
        }));

        return new Command("stock", "Count or adjust a SKU's stock.") { count, adjust };
    }

    private Command Reconcile()
    {
        var fix = new Option<bool>("--fix") { Description = "Push the ledger's figure where a channel shows another." };
        var command = new Command("reconcile", $"Read every listing and compare it with the ledger; exits {ExitCodes.Drift} when a difference is left unfixed.") { fix };
        command.SetAction((parse, ct) => CallAsync(parse, async api =>
        {
            var shouldFix = parse.GetValue(fix);
            var answer = await WithProgressAsync(parse, shouldFix ? "Reconciling and fixing" : "Reconciling",
                () => api.SendJsonAsync(HttpMethod.Post, $"api/reconcile?fix={(shouldFix ? "true" : "false")}", "{}", ct), ct);
            if (!answer.IsSuccess)
            {
                return await FailAsync(answer);
            }

            var report = answer.Json();
            var discrepancies = report.GetProperty("discrepancies").EnumerateArray().ToList();
            var unfixed = discrepancies.Count(d => !(d.TryGetProperty("fixed", out var f) && f.ValueKind == JsonValueKind.True));
            var lines = new List<string> { $"Checked {report.GetProperty("checked").GetInt32()} listings: {discrepancies.Count} difference(s), {discrepancies.Count - unfixed} fixed." };
            lines.AddRange(discrepancies.Select(d =>
                $"  {Text(d, "sku")} on {Text(d, "channel")} ({Text(d, "listing")}): expected {Text(d, "expected")}, shows {Text(d, "actual")} [{Text(d, "kind")}]{(d.TryGetProperty("fixed", out var f) && f.ValueKind == JsonValueKind.True ? " fixed" : string.Empty)}"));
            await WriteAsync(parse, answer.Body, string.Join(Environment.NewLine, lines));
            return unfixed > 0 ? ExitCodes.Drift : ExitCodes.Ok;
        }));
        return command;
    }

    private Command Alerts()
    {
        var status = new Option<string>("--status") { Description = "open, acknowledged, resolved or all.", DefaultValueFactory = _ => "open" };
        status.AcceptOnlyFromAmong("open", "acknowledged", "resolved", "all");
        var command = new Command("alerts", "List alerts, open ones by default.") { status };
        command.SetAction((parse, ct) => CallAsync(parse, async api =>
        {
            var answer = await api.GetAsync($"api/alerts?status={parse.GetValue(status)}", ct);
            if (!answer.IsSuccess)
            {
                return await FailAsync(answer);
            }

            var alerts = answer.Json().GetProperty("alerts").EnumerateArray().ToList();
            var lines = new List<string> { $"{alerts.Count} alert(s)." };
            lines.AddRange(alerts.Select(a => $"  [{Text(a, "status")}] {Text(a, "kind")} {Text(a, "sku")}: {Text(a, "message")} ({Text(a, "count")}×, last {Text(a, "lastRaisedAt")}) id {Text(a, "id")}{Environment.NewLine}    Next step: {Text(a, "nextStep")}"));
            await WriteAsync(parse, answer.Body, string.Join(Environment.NewLine, lines));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private Command Status()
    {
        var command = new Command("status", $"Every SKU's sync state in one line each for problems; exits {ExitCodes.Drift} when a SKU is in drift or oversold.");
        command.SetAction((parse, ct) => CallAsync(parse, async api =>
        {
            var answer = await api.GetAsync("api/skus", ct);
            if (!answer.IsSuccess)
            {
                return await FailAsync(answer);
            }

            var skus = answer.Json().GetProperty("skus").EnumerateArray().ToList();
            var byState = skus.GroupBy(s => Text(s, "state")).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            string Count(string state) => $"{byState.GetValueOrDefault(state)} {state switch { "InSync" => "in sync", _ => state.ToLowerInvariant() }}";
            var lines = new List<string> { $"{skus.Count} SKUs: {string.Join(", ", States.Select(Count))}." };
            foreach (var sku in skus.Where(s => Text(s, "state") != "InSync"))
            {
                var channels = sku.GetProperty("channels").EnumerateArray().Select(c => $"{Text(c, "channel")} shows {Text(c, "shown")} of {Text(c, "target")}");
                lines.Add($"  {Text(sku, "sku")}: {Text(sku, "state")}, on hand {Text(sku, "onHand")}, committed {Text(sku, "committed")}, available {Text(sku, "available")}; {string.Join("; ", channels)}");
            }

            await WriteAsync(parse, answer.Body, string.Join(Environment.NewLine, lines));
            return byState.ContainsKey("Drift") || byState.ContainsKey("Oversold") ? ExitCodes.Drift : ExitCodes.Ok;
        }));
        return command;
    }

    private Command Launches()
    {
        var list = new Command("list", "Launches not over yet, soonest first.");
        list.SetAction((parse, ct) => CallAsync(parse, async api =>
        {
            var answer = await api.GetAsync("api/launches", ct);
            if (!answer.IsSuccess)
            {
                return await FailAsync(answer);
            }

            var launches = answer.Json().GetProperty("launches").EnumerateArray().ToList();
            var lines = new List<string> { $"{launches.Count} launch(es)." };
            lines.AddRange(launches.Select(l =>
                $"  {Text(l, "name")}: {Text(l, "start")} to {Text(l, "end")}{(l.GetProperty("running").GetBoolean() ? " (running: strict)" : string.Empty)}; {Scope(l)}; id {Text(l, "id")}"));
            await WriteAsync(parse, answer.Body, string.Join(Environment.NewLine, lines));
            return ExitCodes.Ok;
        }));

        var name = new Argument<string>("NAME");
        var skus = new Option<string[]>("--sku") { Description = "A SKU of the drop; repeat for each.", AllowMultipleArgumentsPerToken = true };
        var prefix = new Option<string?>("--sku-prefix") { Description = "Every SKU whose name starts with this." };
        var start = new Option<DateTimeOffset?>("--start") { Description = "When it starts (e.g. 2026-12-05T18:00:00Z); now if left out." };
        var minutes = new Option<int>("--minutes") { Description = "How long it runs.", Required = true };
        var tag = new Option<string?>("--tag") { Description = "Every SKU carrying this tag in the SKU map." };
        var add = new Command("add", "Announce a drop: its SKUs are allocated strictly while it runs.") { name, skus, prefix, tag, start, minutes };
        add.SetAction((parse, ct) => CallAsync(parse, async api =>
        {
            var body = JsonSerializer.Serialize(new LaunchBody(parse.GetValue(name)!, parse.GetValue(skus) ?? [], parse.GetValue(prefix), parse.GetValue(tag), parse.GetValue(start), parse.GetValue(minutes)), CliJson.Default.LaunchBody);
            var answer = await api.SendJsonAsync(HttpMethod.Post, "api/launches", body, ct);
            if (!answer.IsSuccess)
            {
                return await FailAsync(answer);
            }

            var launch = answer.Json();
            await WriteAsync(parse, answer.Body, $"Launch {Text(launch, "name")} scheduled: {Text(launch, "start")} to {Text(launch, "end")}; id {Text(launch, "id")}.");
            return ExitCodes.Ok;
        }));

        var id = new Argument<string>("ID");
        var cancel = new Command("cancel", "Cancel a launch: its SKUs return to the allocation rule at once.") { id };
        cancel.SetAction((parse, ct) => CallAsync(parse, async api =>
        {
            var answer = await api.SendJsonAsync(HttpMethod.Delete, $"api/launches/{Uri.EscapeDataString(parse.GetValue(id)!)}", "{}", ct);
            if (!answer.IsSuccess)
            {
                return await FailAsync(answer);
            }

            await WriteAsync(parse, "{}", "Launch cancelled.");
            return ExitCodes.Ok;
        }));

        return new Command("launch", "Scheduled launches (drops): strict allocation while they run.") { list, add, cancel };

        static string Scope(JsonElement launch)
        {
            var named = launch.GetProperty("skus").EnumerateArray().Select(s => s.GetString()).ToList();
            var prefix = launch.TryGetProperty("skuPrefix", out var p) && p.ValueKind == JsonValueKind.String ? $"SKUs starting {p.GetString()}" : null;
            var tagged = launch.TryGetProperty("tag", out var t) && t.ValueKind == JsonValueKind.String ? $"SKUs tagged {t.GetString()}" : null;
            return string.Join(", ", new[] { named.Count > 0 ? string.Join(" ", named) : null, prefix, tagged }.Where(x => x is not null));
        }
    }

    private Command Pauses()
    {
        var list = new Command("list", "What is paused, and the history of pauses and resumes.");
        list.SetAction((parse, ct) => CallAsync(parse, async api =>
        {
            var answer = await api.GetAsync("api/pauses", ct);
            if (!answer.IsSuccess)
            {
                return await FailAsync(answer);
            }

            var pauses = answer.Json().GetProperty("pauses").EnumerateArray().ToList();
            var lines = new List<string> { $"{pauses.Count} pause(s)." };
            lines.AddRange(pauses.Select(p => $"  {Scope(p)}: {Text(p, "reason")} ({Text(p, "by")}, {Text(p, "at")}); id {Text(p, "id")}"));
            await WriteAsync(parse, answer.Body, string.Join(Environment.NewLine, lines));
            return ExitCodes.Ok;
        }));

        var skus = new Option<string[]>("--sku") { Description = "A SKU to pause; repeat for each. With no --sku, --sku-prefix or --tag: the whole shop.", AllowMultipleArgumentsPerToken = true };
        var prefix = new Option<string?>("--sku-prefix") { Description = "Every SKU whose name starts with this." };
        var tag = new Option<string?>("--tag") { Description = "Every SKU carrying this tag (case does not matter), tagged now or later." };
        var channels = new Option<string[]>("--channel") { Description = "A channel to pause on; repeat for each.", Required = true, AllowMultipleArgumentsPerToken = true };
        var reason = new Option<string>("--reason") { Description = "Why (holiday, market day, ...).", Required = true };
        var by = new Option<string>("--by") { Description = "Who pauses.", Required = true };
        var add = new Command("add", "Pause SKUs on channels: they show 0 there until resumed.") { skus, prefix, tag, channels, reason, by };
        add.SetAction((parse, ct) => CallAsync(parse, async api =>
        {
            var body = JsonSerializer.Serialize(new PauseBody(parse.GetValue(skus) ?? [], parse.GetValue(prefix), parse.GetValue(tag), parse.GetValue(channels) ?? [], parse.GetValue(by)!, parse.GetValue(reason)!), CliJson.Default.PauseBody);
            var answer = await api.SendJsonAsync(HttpMethod.Post, "api/pauses", body, ct);
            if (!answer.IsSuccess)
            {
                return await FailAsync(answer);
            }

            var pause = answer.Json();
            await WriteAsync(parse, answer.Body, $"Paused {Scope(pause)}; id {Text(pause, "id")}.");
            return ExitCodes.Ok;
        }));

        var id = new Argument<string>("ID");
        var resumeBy = new Option<string>("--by") { Description = "Who resumes.", Required = true };
        var resumeReason = new Option<string?>("--reason") { Description = "Why now." };
        var resume = new Command("resume", "Lift a pause: the channels show what the allocation says again.") { id, resumeBy, resumeReason };
        resume.SetAction((parse, ct) => CallAsync(parse, async api =>
        {
            var body = JsonSerializer.Serialize(new ResumeBody(parse.GetValue(resumeBy)!, parse.GetValue(resumeReason)), CliJson.Default.ResumeBody);
            var answer = await api.SendJsonAsync(HttpMethod.Post, $"api/pauses/{Uri.EscapeDataString(parse.GetValue(id)!)}/resume", body, ct);
            if (!answer.IsSuccess)
            {
                return await FailAsync(answer);
            }

            await WriteAsync(parse, answer.Body, $"Resumed {Scope(answer.Json())}.");
            return ExitCodes.Ok;
        }));

        return new Command("pause", "Pause SKUs (a list, a prefix, a tag, or the whole shop) on chosen channels, and resume them.") { list, add, resume };

        static string Scope(JsonElement pause)
        {
            var named = pause.GetProperty("skus").EnumerateArray().Select(s => s.GetString()).ToList();
            var prefix = pause.TryGetProperty("skuPrefix", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            var tagged = pause.TryGetProperty("tag", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            var parts = new List<string>();
            if (named.Count > 0)
            {
                parts.Add(string.Join(" ", named));
            }

            if (prefix is not null)
            {
                parts.Add($"SKUs starting {prefix}");
            }

            if (tagged is not null)
            {
                parts.Add($"SKUs tagged {tagged}");
            }

            var what = parts.Count > 0 ? string.Join(" and ", parts) : "the whole shop";
            return $"{what} on {string.Join(", ", pause.GetProperty("channels").EnumerateArray().Select(c => c.GetString()))}";
        }
    }

    private Command Counts()
    {
        var skus = new Option<string[]>("--sku") { Description = "A SKU to count; repeat for each.", AllowMultipleArgumentsPerToken = true };
        var tag = new Option<string?>("--tag") { Description = "Every SKU carrying this tag (a shelf, a collection)." };
        var week = new Option<string?>("--week") { Description = "The week's rotating list: an ISO week such as 2026-W49, or \"this\"." };
        var name = new Option<string?>("--name") { Description = "What to call the round." };
        var by = new Option<string>("--by") { Description = "Who counts.", Required = true };
        var round = new Command("round", "Start a counting round: exactly one of --sku, --tag or --week.") { skus, tag, week, name, by };
        round.SetAction((parse, ct) => CallAsync(parse, async api =>
        {
            var body = JsonSerializer.Serialize(new CountRoundBody(parse.GetValue(name), parse.GetValue(skus) is { Length: > 0 } named ? named : null, parse.GetValue(tag), parse.GetValue(week), parse.GetValue(by)!), CliJson.Default.CountRoundBody);
            var answer = await api.SendJsonAsync(HttpMethod.Post, "api/counts/rounds", body, ct);
            if (!answer.IsSuccess)
            {
                return await FailAsync(answer);
            }

            var created = answer.Json().GetProperty("round");
            var list = created.GetProperty("skus").EnumerateArray().Select(s => s.GetString()).ToList();
            await WriteAsync(parse, answer.Body, $"Round {Text(created, "name")} ({list.Count} SKUs); id {Text(created, "id")}:{Environment.NewLine}  {string.Join(" ", list)}");
            return ExitCodes.Ok;
        }));

        var roundId = new Argument<string>("ROUND");
        var sku = new Argument<string>("SKU");
        var quantity = new Argument<int>("N") { Description = "What is on the shelf (packed, unshipped units included)." };
        var enter = new Command("enter", "Enter a count for a SKU of a round: on hand becomes N as of now, and a difference above 5 % is flagged for review.") { roundId, sku, quantity };
        enter.SetAction((parse, ct) => CallAsync(parse, async api =>
        {
            var body = JsonSerializer.Serialize(new RoundCountBody(parse.GetValue(quantity), parse.GetValue(roundId)!), CliJson.Default.RoundCountBody);
            var answer = await api.SendJsonAsync(HttpMethod.Put, $"api/skus/{Uri.EscapeDataString(parse.GetValue(sku)!)}/count", body, ct);
            if (!answer.IsSuccess)
            {
                return await FailAsync(answer);
            }

            var count = answer.Json().GetProperty("count");
            var flagged = count.GetProperty("needsReview").GetBoolean()
                ? $" Flagged for review: funcsync count review {Text(count, "id")} --reason damaged|lost|stolen|found|miscounted|... --by NAME"
                : string.Empty;
            await WriteAsync(parse, answer.Body, $"{Text(count, "sku")}: counted {Text(count, "counted")}, expected {Text(count, "expected")} (difference {Text(count, "variance")}).{flagged}");
            return ExitCodes.Ok;
        }));

        var countId = new Argument<string>("COUNT");
        var reason = new Option<string>("--reason") { Description = "damaged, lost, stolen, found, miscounted, unrecorded-sale, unrecorded-receipt or other.", Required = true };
        var note = new Option<string?>("--note") { Description = "Anything worth keeping." };
        var reviewBy = new Option<string>("--by") { Description = "Who reviews.", Required = true };
        var review = new Command("review", "Explain a count's difference.") { countId, reason, note, reviewBy };
        review.SetAction((parse, ct) => CallAsync(parse, async api =>
        {
            var body = JsonSerializer.Serialize(new CountReviewBody(parse.GetValue(reason)!, parse.GetValue(note), parse.GetValue(reviewBy)!), CliJson.Default.CountReviewBody);
            var answer = await api.SendJsonAsync(HttpMethod.Post, $"api/counts/{Uri.EscapeDataString(parse.GetValue(countId)!)}/review", body, ct);
            if (!answer.IsSuccess)
            {
                return await FailAsync(answer);
            }

            var count = answer.Json();
            await WriteAsync(parse, answer.Body, $"{Text(count, "sku")}: difference {Text(count, "variance")} recorded as {Text(count, "reason")}.");
            return ExitCodes.Ok;
        }));

        var csv = new Option<FileInfo?>("--csv") { Description = "Write the report to this CSV file instead." };
        var shrinkage = new Command("shrinkage", "Shrinkage per month: what the ledger expected on the counted shelves against what was counted.") { csv };
        shrinkage.SetAction((parse, ct) => CallAsync(parse, async api =>
        {
            if (parse.GetValue(csv) is { } file)
            {
                var report = await api.GetAsync("api/counts/shrinkage.csv", ct);
                if (!report.IsSuccess)
                {
                    return await FailAsync(report);
                }

                await File.WriteAllTextAsync(file.FullName, report.Body, ct);
                await _out.WriteLineAsync($"Wrote {file.FullName}.");
                return ExitCodes.Ok;
            }

            var answer = await api.GetAsync("api/counts/shrinkage", ct);
            if (!answer.IsSuccess)
            {
                return await FailAsync(answer);
            }

            var months = answer.Json().GetProperty("months").EnumerateArray().ToList();
            var lines = new List<string> { months.Count == 0 ? "No counts yet." : "month    counts  expected  counted  shrinkage  percent  value" };
            lines.AddRange(months.Select(m => string.Create(
                CultureInfo.InvariantCulture,
                $"{Text(m, "month"),-8} {Text(m, "counts"),6} {Text(m, "expected"),9} {Text(m, "counted"),8} {Text(m, "shrinkage"),10} {(m.GetProperty("percent").ValueKind == JsonValueKind.Number ? (m.GetProperty("percent").GetDouble() * 100).ToString("0.##", CultureInfo.InvariantCulture) + " %" : "—"),8} {(m.GetProperty("value").ValueKind == JsonValueKind.Number ? m.GetProperty("value").GetDecimal().ToString("0.00", CultureInfo.InvariantCulture) : "no cost"),6}")));
            await WriteAsync(parse, answer.Body, string.Join(Environment.NewLine, lines));
            return ExitCodes.Ok;
        }));

        return new Command("count", "Cycle counts: rounds of SKUs to count, counts flagged for review, shrinkage.") { round, enter, review, shrinkage };
    }

    private Command Margins()
    {
        var months = new Option<int?>("--months") { Description = "Months to report, this one included (12 when not given)." };
        var csv = new Option<FileInfo?>("--csv") { Description = "Write the report to this CSV file instead." };
        var margins = new Command("margins", "Cost and margin per product and month: units sold and given back, net revenue, cost of goods, oversells and what they cost.") { months, csv };
        margins.SetAction((parse, ct) => CallAsync(parse, async api =>
        {
            var query = parse.GetValue(months) is { } m ? string.Create(CultureInfo.InvariantCulture, $"?months={m}") : string.Empty;
            if (parse.GetValue(csv) is { } file)
            {
                var report = await api.GetAsync("api/margins.csv" + query, ct);
                if (!report.IsSuccess)
                {
                    return await FailAsync(report);
                }

                await File.WriteAllTextAsync(file.FullName, report.Body, ct);
                await _out.WriteLineAsync($"Wrote {file.FullName}.");
                return ExitCodes.Ok;
            }

            var answer = await api.GetAsync("api/margins" + query, ct);
            if (!answer.IsSuccess)
            {
                return await FailAsync(answer);
            }

            static string Amount(JsonElement row, string name) =>
                row.GetProperty(name).ValueKind == JsonValueKind.Number ? row.GetProperty(name).GetDecimal().ToString("0.00", CultureInfo.InvariantCulture) : "—";
            var rows = answer.Json().GetProperty("rows").EnumerateArray().ToList();
            var lines = new List<string> { rows.Count == 0 ? "No orders yet." : "month    sku                   sold  back  currency  net revenue  cost of goods  oversold  oversell cost  margin" };
            lines.AddRange(rows.Select(r => string.Create(
                CultureInfo.InvariantCulture,
                $"{Text(r, "month"),-8} {Text(r, "sku"),-20} {Text(r, "unitsSold"),5} {Text(r, "unitsBack"),5}  {(r.GetProperty("currency").ValueKind == JsonValueKind.String ? Text(r, "currency") : "no price"),-8} {(r.GetProperty("currency").ValueKind == JsonValueKind.String ? Amount(r, "netRevenue") : "—"),12} {Amount(r, "costOfGoods"),14} {Text(r, "oversold"),9} {Amount(r, "oversellLoss"),14} {Amount(r, "margin"),7}")));
            await WriteAsync(parse, answer.Body, string.Join(Environment.NewLine, lines));
            return ExitCodes.Ok;
        }));
        return margins;
    }

    private async Task<int> StockChangedAsync(ParseResult parse, ApiAnswer answer)
    {
        if (!answer.IsSuccess)
        {
            return await FailAsync(answer);
        }

        var change = answer.Json();
        var sku = change.GetProperty("sku");
        await WriteAsync(parse, answer.Body, $"{Text(sku, "sku")}: {Text(change, "outcome")}; on hand {Text(sku, "onHand")}, committed {Text(sku, "committed")}, available {Text(sku, "available")}.");
        return ExitCodes.Ok;
    }

    private async Task<int> CallAsync(ParseResult parse, Func<AdminApi, Task<int>> call)
    {
        var url = parse.GetValue(_url) ?? _environment(UrlVariable) ?? DefaultUrl;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
        {
            await _err.WriteLineAsync($"--url '{url}' is not an http(s) address.");
            return ExitCodes.Usage;
        }

        var api = AdminApi.Create(baseUrl, parse.GetValue(_key) ?? _environment(KeyVariable), _handler, TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(_timeout))));
        try
        {
            return await call(api);
        }
        catch (ApiUnreachableException ex)
        {
            await _err.WriteLineAsync(ex.Message);
            return ExitCodes.Unreachable;
        }
        catch (JsonException ex)
        {
            await _err.WriteLineAsync($"{baseUrl} answered something that is not FuncSync's JSON: {ex.Message}");
            return ExitCodes.Unreachable;
        }
    }

    /// <summary>Polls an accepted import until its job is finished, drawing a progress bar on stderr (not with --json).</summary>
    /// <returns>The finished job, or null when the app stopped answering.</returns>
    private async Task<JsonElement?> FollowImportAsync(ParseResult parse, AdminApi api, ApiAnswer accepted, CancellationToken cancellationToken)
    {
        var job = accepted.Json();
        var url = Text(job, "url").TrimStart('/');
        var quiet = parse.GetValue(_json);
        var drawn = -1;
        while (true)
        {
            var state = Text(job, "state");
            var percent = job.TryGetProperty("percent", out var p) ? p.GetInt32() : 0;
            if (!quiet && percent != drawn)
            {
                drawn = percent;
                await _err.WriteAsync($"\r{ProgressBar(percent)} {percent,3}%  {Text(job, "appliedRows")} / {Text(job, "rows")} SKUs");
            }

            if (state is "Completed" or "Failed")
            {
                if (!quiet)
                {
                    await _err.WriteLineAsync();
                }

                return job;
            }

            await Task.Delay(ImportPollInterval, _time, cancellationToken);
            var answer = await api.GetAsync(url, cancellationToken);
            if (!answer.IsSuccess)
            {
                await FailAsync(answer);
                return null;
            }

            job = answer.Json();
        }
    }

    private static string ProgressBar(int percent)
    {
        const int width = 30;
        var filled = Math.Clamp(percent, 0, 100) * width / 100;
        return "[" + new string('#', filled) + new string('.', width - filled) + "]";
    }

    private async Task<int> FailAsync(ApiAnswer answer)
    {
        var hint = answer.Status == HttpStatusCode.Unauthorized ? $" (pass --key or set {KeyVariable})"
            : answer.Status == HttpStatusCode.NotFound && !answer.Body.Contains("\"error\"", StringComparison.Ordinal) ? " (this FuncSync does not have that endpoint)"
            : string.Empty;
        await _err.WriteLineAsync(answer.Error() + hint);
        return (int)answer.Status >= 500 ? ExitCodes.Unreachable : ExitCodes.Refused;
    }

    private async Task WriteAsync(ParseResult parse, string json, string text) =>
        await _out.WriteLineAsync(parse.GetValue(_json) ? json : text);

    /// <summary>A long call (reconcile over thousands of listings) says it is alive on stderr every few seconds.</summary>
    private async Task<T> WithProgressAsync<T>(ParseResult parse, string what, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = _time.GetTimestamp();
        var quiet = parse.GetValue(_json);
        if (!quiet)
        {
            await _err.WriteLineAsync($"{what}…");
        }

        var ticker = quiet ? Task.CompletedTask : TickAsync();
        try
        {
            return await call();
        }
        finally
        {
            await done.CancelAsync();
            await ticker;
        }

        async Task TickAsync()
        {
            try
            {
                while (true)
                {
                    await Task.Delay(TimeSpan.FromSeconds(2), _time, done.Token);
                    await _err.WriteLineAsync($"{what}… {_time.GetElapsedTime(started).TotalSeconds:0} s");
                }
            }
            catch (OperationCanceledException)
            {
                // The call finished.
            }
        }
    }

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString()!,
                JsonValueKind.Null => "—",
                _ => value.GetRawText(),
            }
            : "—";
}
