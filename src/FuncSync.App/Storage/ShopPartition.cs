namespace FuncSync.Storage;

/// <summary>The partition that holds one shop's rows. Everything one event touches lives in it, so
/// an event commits in a single entity-group transaction.</summary>
public sealed record ShopPartition(string Key);
