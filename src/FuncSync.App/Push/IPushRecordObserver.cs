namespace FuncSync.Push;

/// <summary>A connector wrapper that wants the listing's push record as the push read it, just before the push asks
/// the channel: handed over, so the wrapper does not read it again (one storage read fewer per channel read).</summary>
public interface IPushRecordObserver
{
    void Observe(PushRecord? last);
}
