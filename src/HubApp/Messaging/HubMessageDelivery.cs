using HubApp.Contracts;
using HubApp.Telemetry;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Messaging;

/// <summary>
/// Delivery through SignalR's lifetime manager. The sends are started in call order and not awaited:
/// each connection's writes are queued in that order (its write lock is fair), so id order holds per
/// connection while a slow one is left to its own buffer (see <see cref="FireAndForget"/>).
/// </summary>
internal sealed class HubMessageDelivery(IHubClients<IChatClient> clients, ChatMetrics metrics, ILogger<HubMessageDelivery> logger) : IMessageDelivery
{
    public void Deliver(ChatMessage message)
    {
        FireAndForget.Observe(clients.Group(message.Room).MessageReceived(message), logger);
        metrics.Delivered();
    }

    public void Deliver(DirectMessage message)
    {
        var recipients = message.FromUserId == message.ToUserId
            ? clients.User(message.ToUserId)
            : clients.Users([message.ToUserId, message.FromUserId]);
        FireAndForget.Observe(recipients.DirectMessageReceived(message), logger);
        metrics.Delivered();
    }
}
