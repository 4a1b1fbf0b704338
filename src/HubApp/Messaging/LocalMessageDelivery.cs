using System.Data.Common;
using HubApp.Contracts;
using HubApp.Rooms;
using HubApp.Sending;
using HubApp.Storage;
using HubApp.Telemetry;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Messaging;

/// <summary>
/// One node: delivery through SignalR once committed. The sends are started in id order and not awaited: each
/// connection's writes are queued in that order (its write lock is fair), so id order holds per connection while a
/// slow one is left to its own buffer (see <see cref="FireAndForget"/>). The room's event streams get them too
/// (<see cref="RoomLogFeed"/>).
/// </summary>
internal sealed class LocalMessageDelivery(IHubClients<IChatClient> clients, RoomLogFeed feed, ChatMetrics metrics, ILogger<LocalMessageDelivery> logger) : IMessageDelivery
{
    public Task OnCommittingAsync(DbConnection connection, AppendResult stored, CancellationToken cancellationToken) => Task.CompletedTask;

    public void OnCommitted(AppendResult stored)
    {
        foreach (var message in stored.Messages)
        {
            FireAndForget.Observe(clients.Group(message.Room).MessageReceived(message), logger);
            feed.Publish(message);
        }

        foreach (var message in stored.DirectMessages)
        {
            SendDirect(clients, message, logger);
        }

        metrics.Delivered(stored.Messages.Count + stored.DirectMessages.Count);
    }

    /// <summary>A direct message to every connection of both users (once to a note to self), started, not awaited.</summary>
    public static void SendDirect(IHubClients<IChatClient> clients, DirectMessage message, ILogger logger)
    {
        var recipients = message.FromUserId == message.ToUserId
            ? clients.User(message.ToUserId)
            : clients.Users([message.ToUserId, message.FromUserId]);
        FireAndForget.Observe(recipients.DirectMessageReceived(message), logger);
    }
}
