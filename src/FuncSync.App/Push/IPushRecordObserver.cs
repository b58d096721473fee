using FuncSync.Ledger;

namespace FuncSync.Push;

/// <summary>A connector wrapper that wants the listing's push record and the stock as the push read them, just before
/// the push asks the channel: handed over, so the wrapper does not read them again.</summary>
public interface IPushRecordObserver
{
    void Observe(PushRecord? last, SkuAvailability stock);
}
