using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using FuncSync.Channels;
using FuncSync.Domain;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace FuncSync.Amazon;

/// <summary>Timer: Amazon delivers <c>ORDER_CHANGE</c> notifications to an SQS queue (there is no HTTPS push), so each
/// tick receives from it with the AWS SDK until it is empty. A message is deleted only after its order is applied to
/// the ledger; one that fails stays, and SQS gives it out again when its visibility timeout lapses (after the queue's
/// maxReceiveCount, its redrive policy moves it to a dead-letter queue, where it is kept for inspection). Nothing
/// outside the process can run this.</summary>
public sealed class AmazonNotificationFunction(AmazonNotificationReceiver receiver, ChannelRegistry channels, IOptions<AmazonOptions> options)
{
    public const string Name = "AmazonNotifications";
    public const string ScheduleSetting = "Amazon:NotificationSchedule";

    [Function(Name)]
    public async Task RunAsync([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        if (!channels.IsEnabled(Channel.Amazon) || options.Value.NotificationQueueUrl is null)
        {
            return;
        }

        await receiver.DrainAsync(cancellationToken);
    }
}

/// <summary>Receives and applies notifications, up to <see cref="MaxBatches"/> receives of ten per call.</summary>
public sealed class AmazonNotificationReceiver(IAmazonSQS sqs, AmazonOrderIntake intake, IOptions<AmazonOptions> options, TimeProvider time, ILogger<AmazonNotificationReceiver> logger)
{
    public const string OrderChange = "ORDER_CHANGE";

    // Ten messages a receive; a tick stops after this many receives so the next tick's lease is not held up.
    private const int MaxBatches = 20;

    /// <summary>Returns how many messages were deleted.</summary>
    public async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var queueUrl = settings.NotificationQueueUrl!.ToString();
        var deleted = 0;
        for (var batch = 0; batch < MaxBatches; batch++)
        {
            var received = await sqs.ReceiveMessageAsync(
                new ReceiveMessageRequest
                {
                    QueueUrl = queueUrl,
                    MaxNumberOfMessages = 10,
                    // Long-poll on the first receive only: later ones drain what is there.
                    WaitTimeSeconds = batch == 0 ? settings.NotificationWaitSeconds : 0,
                    VisibilityTimeout = settings.NotificationVisibilitySeconds,
                },
                cancellationToken);
            if (received.Messages is not { Count: > 0 } messages)
            {
                break;
            }

            foreach (var message in messages)
            {
                if (await HandleAsync(message, cancellationToken))
                {
                    await sqs.DeleteMessageAsync(queueUrl, message.ReceiptHandle, cancellationToken);
                    deleted++;
                }
            }
        }

        return deleted;
    }

    /// <summary>True when the message is done with: its order applied, or a notification FuncSync does not use. A body
    /// that does not read, or an order that fails to apply, is left on the queue.</summary>
    private async Task<bool> HandleAsync(Message message, CancellationToken cancellationToken)
    {
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(message.Body ?? string.Empty);
        }
        catch (JsonException)
        {
            body = null;
        }

        var type = AmazonOrderView.Text(body?["NotificationType"]);
        if (body is null || type is null)
        {
            logger.LogWarning("SQS message {MessageId} is not an SP-API notification; left for the queue's dead-letter redrive", message.MessageId);
            return false;
        }

        if (type != OrderChange)
        {
            logger.LogInformation("SQS message {MessageId} is a {Type} notification, which FuncSync does not use; deleted", message.MessageId, type);
            return true;
        }

        if (body["Payload"]?["OrderChangeNotification"] is not { } change || AmazonOrderView.FromNotification(change) is not { } order)
        {
            logger.LogWarning("ORDER_CHANGE message {MessageId} lacks the order, its status, fulfillment type or items; left for the queue's dead-letter redrive", message.MessageId);
            return false;
        }

        try
        {
            await intake.ApplyAsync(order, time.GetUtcNow(), skipApplied: false, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not deleted: SQS hands it out again after the visibility timeout, and the ledger's dedupe makes that safe.
            logger.LogError(ex, "Applying Amazon order {Order} from SQS message {MessageId} failed; it will be received again", order.OrderId, message.MessageId);
            return false;
        }
    }

    /// <summary>The SDK client for the configured queue: the key from configuration, the simulator's URL or the region's.</summary>
    public static IAmazonSQS CreateClient(AmazonOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var config = new AmazonSQSConfig();
        if (settings.SqsServiceUrl is { } url)
        {
            config.ServiceURL = url.ToString();
            config.AuthenticationRegion = settings.AwsRegion;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(settings.AwsRegion);
        }

        return new AmazonSQSClient(new BasicAWSCredentials(settings.AwsAccessKeyId, settings.AwsSecretAccessKey), config);
    }
}
