using System.Diagnostics;
using System.Diagnostics.Metrics;
using FuncSync.Domain;

namespace FuncSync.Telemetry;

/// <summary>FuncSync's own traces and metrics. Queue and timer invocations get their activities from
/// the hosting runtime (source <c>FuncSync.Hosting</c>), continuing the sender's trace.</summary>
public static class FuncSyncTelemetry
{
    public const string Name = "FuncSync";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> AlertsRaised = Meter.CreateCounter<long>("funcsync.alerts.raised", "{alert}", "Alert notices applied as raises, by kind.");

    public static readonly Counter<long> AlertDeliveries = Meter.CreateCounter<long>("funcsync.alert.deliveries", "{delivery}", "Alert deliveries per sink, delivered or failed.");

    public static readonly Counter<long> EventsApplied = Meter.CreateCounter<long>("funcsync.events.applied", "{event}", "Inventory events by outcome: applied, duplicate, parked.");

    private static readonly Histogram<double> PushDuration = Meter.CreateHistogram<double>("funcsync.push.duration", "s", "Time a push invocation took, by channel and outcome.");

    public static void RecordPush(Channel channel, bool failed, TimeSpan elapsed) =>
        PushDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("channel", channel.ToString()), new KeyValuePair<string, object?>("outcome", failed ? "failed" : "ok"));
}
