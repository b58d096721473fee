using FuncSync.Domain;

namespace FuncSync.Push;

/// <summary>Bring one SKU's listing on one channel in line with the ledger. Level-triggered: it says
/// what to sync, never how much, so a late or repeated message cannot write an old quantity.</summary>
/// <param name="Recheck">The threshold in force may have changed without the ledger moving (a derived
/// threshold faded, a launch started or ended): decide again even if the listing already reflects the
/// ledger's version.</param>
/// <param name="Throttled">How many times in a row the channel has asked this push to come back later; sets its backoff.</param>
public sealed record SyncListing(string Sku, Channel Channel, bool Recheck = false, int Throttled = 0);
