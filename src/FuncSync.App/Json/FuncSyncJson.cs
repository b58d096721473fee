using System.Text.Json.Serialization;
using FuncSync.Alerts;
using FuncSync.Forecasting;
using FuncSync.Ledger;
using FuncSync.Monitoring;
using FuncSync.Push;
using FuncSync.Skus;

namespace FuncSync.Json;

/// <summary>One source-generated JSON context for every queue payload and API response.</summary>
[JsonSourceGenerationOptions(
    System.Text.Json.JsonSerializerDefaults.Web,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(InventoryEventReceived))]
[JsonSerializable(typeof(Channels.Webhooks.AcceptedWebhook))]
[JsonSerializable(typeof(SyncListing))]
[JsonSerializable(typeof(AlertNotice))]
[JsonSerializable(typeof(FuncSync.Pausing.PauseList))]
[JsonSerializable(typeof(FuncSync.Domain.Pausing.ChannelPause))]
[JsonSerializable(typeof(FuncSync.Standing.StandingList))]
[JsonSerializable(typeof(FuncSync.Counting.CountRecord))]
[JsonSerializable(typeof(FuncSync.Counting.CountRoundView))]
[JsonSerializable(typeof(FuncSync.Counting.CountRoundList))]
[JsonSerializable(typeof(FuncSync.Counting.CountRecordList))]
[JsonSerializable(typeof(FuncSync.Counting.ShrinkageList))]
[JsonSerializable(typeof(FuncSync.Margins.MarginList))]
[JsonSerializable(typeof(FuncSync.Domain.Oversells.OversellAdvice))]
[JsonSerializable(typeof(SkuStatus))]
[JsonSerializable(typeof(ProblemBody))]
[JsonSerializable(typeof(StockChanged))]
[JsonSerializable(typeof(SkuHistory))]
[JsonSerializable(typeof(HistoryEntry))]
[JsonSerializable(typeof(Reconciliation.ReconciliationReport))]
[JsonSerializable(typeof(Reconciliation.ReconciliationRecheckDue))]
[JsonSerializable(typeof(Mapping.MappingAuditReport))]
[JsonSerializable(typeof(Lag.LagReport))]
[JsonSerializable(typeof(Timeline.TimelineEntry))]
[JsonSerializable(typeof(Timeline.SkuTimeline))]
[JsonSerializable(typeof(AlertView))]
[JsonSerializable(typeof(AlertList))]
[JsonSerializable(typeof(AlertWebhookBody))]
[JsonSerializable(typeof(SlackMessage))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(RedriveResult))]
[JsonSerializable(typeof(SkuForecast))]
[JsonSerializable(typeof(SkuList))]
[JsonSerializable(typeof(SkuPage))]
[JsonSerializable(typeof(SkuDelta))]
[JsonSerializable(typeof(SkuSummary))]
[JsonSerializable(typeof(Dashboard.OversellQuestion))]
[JsonSerializable(typeof(Dashboard.OversellEstimate))]
[JsonSerializable(typeof(Dashboard.OversellChannels))]
[JsonSerializable(typeof(Channels.AuthorizeRedirect))]
[JsonSerializable(typeof(Dashboard.ChannelList))]
[JsonSerializable(typeof(Catalog.MappingList))]
[JsonSerializable(typeof(Catalog.MappingView))]
// A listing field's value in MappingView.Listings is one of these.
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(Catalog.ImportRejected))]
[JsonSerializable(typeof(Catalog.ImportJobView))]
[JsonSerializable(typeof(Catalog.ImportQueued))]
[JsonSerializable(typeof(Launches.LaunchList))]
[JsonSerializable(typeof(Launches.LaunchView))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Domain.Ledger.OnHandMove[]))]
internal sealed partial class FuncSyncJson : JsonSerializerContext;

/// <summary>The body of every 4xx/5xx answer: one sentence a person can act on.</summary>
public sealed record ProblemBody(string Error);
