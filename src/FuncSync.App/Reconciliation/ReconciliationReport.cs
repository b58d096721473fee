using FuncSync.Domain;

namespace FuncSync.Reconciliation;

/// <summary>What <c>POST /api/reconcile</c> and <c>GET /api/reconcile/last</c> answer (a contract the dashboard reads).</summary>
/// <param name="Checked">Listings compared (one SKU on two channels is two).</param>
/// <param name="Requests">Channel requests the run spent, per channel.</param>
public sealed record ReconciliationReport(
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    int Checked,
    IReadOnlyList<Discrepancy> Discrepancies,
    IReadOnlyDictionary<Channel, int> Requests);

/// <param name="Kind"><c>drift</c> or <c>pending-import</c> (fewer shown than expected, changed after the last poll:
/// probably a sale the next poll imports; checked again after it).</param>
/// <param name="Fixed">A push was queued to bring the channel back to what FuncSync expects.</param>
public sealed record Discrepancy(string Sku, Channel Channel, string Listing, int Expected, int Actual, string Kind, bool Fixed);

/// <summary>A re-check of listings a run found short, probably because of sales not imported yet.</summary>
public sealed record ReconciliationRecheckDue(IReadOnlyList<string> Skus, int Round);
