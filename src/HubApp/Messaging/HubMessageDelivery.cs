using HubApp.Contracts;
using HubApp.Telemetry;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Messaging;

/// <summary>
/// Delivery through SignalR's lifetime manager. The sends are started in call order and not awaited:
/// each connection's writes are queued in that order (its write lock is fair), so id order holds per
/// connection while a slow one is left to its own buffer.
/// </summary>
internal sealed partial class HubMessageDelivery(IHubClients<IChatClient> clients, ChatMetrics metrics, ILogger<HubMessageDelivery> logger) : IMessageDelivery
{
    public void Deliver(ChatMessage message)
    {
        Observe(clients.Group(message.Room).MessageReceived(message));
        metrics.Delivered();
    }

    public void Deliver(DirectMessage message)
    {
        var recipients = message.FromUserId == message.ToUserId
            ? clients.User(message.ToUserId)
            : clients.Users([message.ToUserId, message.FromUserId]);
        Observe(recipients.DirectMessageReceived(message));
        metrics.Delivered();
    }

    private void Observe(Task send)
    {
        if (send.IsCompletedSuccessfully)
        {
            return;
        }

        send.ContinueWith(
            static (task, state) => LogSendFailed((ILogger)state!, task.Exception!),
            logger,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "A delivery failed.")]
    private static partial void LogSendFailed(ILogger logger, Exception exception);
}
