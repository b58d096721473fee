namespace FuncSync.Hosting.Queues;

/// <summary>Told when this process moves a message to a poison queue, so an app can alert on it. The
/// Functions host moves messages itself and tells no one: an app running under it must also watch
/// the poison queues' depth.</summary>
public interface IPoisonMessageObserver
{
    Task OnPoisonedAsync(PoisonedMessage message, CancellationToken cancellationToken);
}

/// <param name="QueueName">The queue the message came from.</param>
/// <param name="PoisonQueueName">Where it is now.</param>
public sealed record PoisonedMessage(string QueueName, string PoisonQueueName, string MessageId, long DequeueCount, string FunctionName);

public static class PoisonQueues
{
    public const string Suffix = "-poison";

    public static string NameFor(string queueName) => queueName + Suffix;
}
