namespace FuncSync.Storage;

/// <summary>Every queue, table and blob container FuncSync uses, named in one place. An optional
/// prefix lets several FuncSync instances (or test runs) share one storage account.</summary>
public sealed class StorageNames
{
    public StorageNames(string prefix)
    {
        if (prefix.Length > 0 && (!char.IsAsciiLetterLower(prefix[0]) || !prefix.All(char.IsAsciiLetterOrDigit) || prefix.Any(char.IsAsciiLetterUpper)))
        {
            throw new ArgumentException("A storage prefix is lower-case letters and digits and starts with a letter.", nameof(prefix));
        }

        Prefix = prefix;
        QueuePrefix = prefix.Length == 0 ? string.Empty : prefix + "-";
    }

    // The queues as functions' [QueueTrigger] attributes name them. Under the Functions host the prefix must be empty
    // (the host listens on these names); locally, the runtime listens on the prefixed queue (see Queue).
    /// <summary>The app setting (or its <c>__accountName</c> form for a managed identity) every queue trigger reads.</summary>
    public const string Connection = "AzureWebJobsStorage";

    public const string InventoryEvents = "inventory-events";
    public const string ChannelPush = "channel-push";
    public const string Alerts = "alerts";
    public const string ShopifyLevelChecks = "shopify-level-checks";
    public const string ReconcileRechecks = "reconcile-rechecks";
    public const string ChannelWebhooks = "channel-webhooks";
    public const string SquareLevelChecks = "square-level-checks";
    public const string WooCommerceLevelChecks = "woocommerce-level-checks";
    public const string CatalogImports = "catalog-imports";

    public string Prefix { get; }

    /// <summary>The queue this instance uses for the trigger queue <paramref name="name"/>.</summary>
    public string Queue(string name) => QueuePrefix + name;

    private string QueuePrefix { get; }

    public string InventoryEventsQueue => Queue(InventoryEvents);

    public string ChannelPushQueue => Queue(ChannelPush);

    public string AlertsQueue => Queue(Alerts);

    /// <summary>Shopify inventory-level changes wait here for a settling delay before they are judged.</summary>
    public string ShopifyLevelChecksQueue => Queue(ShopifyLevelChecks);

    /// <summary>Every channel's verified webhooks, accepted whole in one write before the 2xx and handled from here,
    /// however many lines they carry.</summary>
    public string ChannelWebhooksQueue => Queue(ChannelWebhooks);

    /// <summary>Square count changes wait here for a settling delay before they are judged.</summary>
    public string SquareLevelChecksQueue => Queue(SquareLevelChecks);

    /// <summary>WooCommerce stock changes wait here for a settling delay before they are judged.</summary>
    public string WooCommerceLevelChecksQueue => Queue(WooCommerceLevelChecks);

    /// <summary>Import jobs waiting for (or part-way through) their next batches: one message per job, or per slice of one.</summary>
    public string CatalogImportsQueue => Queue(CatalogImports);

    /// <summary>The CSV files of import jobs, stored whole before they are applied.</summary>
    public string ImportsContainer => QueuePrefix + "imports";

    /// <summary>Import jobs: counts, state, progress and errors, one row per job.</summary>
    public string ImportsTable => Prefix + "Imports";

    /// <summary>Bodies of accepted webhooks too large (or not text enough) to travel in their queue message.</summary>
    public string WebhookBodiesContainer => QueuePrefix + "webhook-bodies";

    /// <summary>Stock rows, dedupe rows, outbox rows and audit rows of a shop share one partition of
    /// this table: an entity-group transaction cannot span tables.</summary>
    public string LedgerTable => Prefix + "Ledger";

    public string SkuMapTable => Prefix + "SkuMap";

    /// <summary>The seller's scheduled launches.</summary>
    public string LaunchesTable => Prefix + "Launches";

    public string PushesTable => Prefix + "Pushes";

    public string WatermarksTable => Prefix + "Watermarks";

    public string AlertsTable => Prefix + "Alerts";

    /// <summary>Every channel's OAuth connection and pending authorizations (tokens encrypted), keyed by channel.</summary>
    public string ChannelAuthTable => Prefix + "ChannelAuth";

    /// <summary>Where Etsy kept its OAuth connection before <see cref="ChannelAuthTable"/>: read once and copied over.</summary>
    public string EtsyAuthTable => Prefix + "EtsyAuth";

    /// <summary>Every channel's private state (what a connector remembers between calls), partitioned by shop, channel and kind.</summary>
    public string ChannelStateTable => Prefix + "ChannelState";

    /// <summary>Every channel's shared per-second request budget, one row per channel app.</summary>
    public string ChannelBudgetsTable => Prefix + "ChannelBudgets";

    /// <summary>The ASP.NET Core Data Protection key ring that encrypts stored tokens.</summary>
    public string DataProtectionKeysTable => Prefix + "DataProtectionKeys";

    public string UnmappedTable => Prefix + "Unmapped";

    /// <summary>When each channel was last polled and pushed to, for the health check.</summary>
    public string MonitoringTable => Prefix + "Monitoring";

    /// <summary>One lease blob per channel write unit (an Etsy listing), so one push at a time writes it.</summary>
    public string PushLocksContainer => QueuePrefix + "push-locks";

    public string RejectedWebhooksContainer => QueuePrefix + "rejected-webhooks";

    /// <summary>Listings reconciliation found short of what FuncSync expects, probably a sale not imported yet,
    /// wait here until the next poll has run, then are checked again.</summary>
    public string ReconcileRechecksQueue => Queue(ReconcileRechecks);

    /// <summary>Per SKU, in time order: push attempts, acceptances, failures, read-backs and reconciliations.</summary>
    public string TimelineTable => Prefix + "Timeline";

    /// <summary>Lag histograms per channel and time bucket.</summary>
    public string LagTable => Prefix + "Lag";

    /// <summary>The last reconciliation report.</summary>
    public string ReconciliationContainer => QueuePrefix + "reconciliation";

    /// <summary>Per channel and month: orders and the cancellations oversells called for.</summary>
    public string StandingTable => Prefix + "Standing";

    /// <summary>The seller's pauses (SKUs taken off channels until resumed) and their history.</summary>
    public string PausesTable => Prefix + "Pauses";

    /// <summary>Counting rounds and what each shelf count found.</summary>
    public string CountsTable => Prefix + "Counts";

    public IEnumerable<string> Queues => [InventoryEventsQueue, ChannelPushQueue, AlertsQueue, ShopifyLevelChecksQueue, ChannelWebhooksQueue, ReconcileRechecksQueue, SquareLevelChecksQueue, WooCommerceLevelChecksQueue, CatalogImportsQueue];

    public IEnumerable<string> Tables => [LedgerTable, SkuMapTable, PushesTable, WatermarksTable, AlertsTable, UnmappedTable, ChannelAuthTable, ChannelBudgetsTable, ChannelStateTable, DataProtectionKeysTable, TimelineTable, LagTable, MonitoringTable, LaunchesTable, StandingTable, PausesTable, ImportsTable, CountsTable];
}
