using FuncSync.Domain;

namespace FuncSync.Push;

/// <summary>Bring one SKU's listing on one channel in line with the ledger. Level-triggered: it says
/// what to sync, never how much, so a late or repeated message cannot write an old quantity.</summary>
public sealed record SyncListing(string Sku, Channel Channel);
