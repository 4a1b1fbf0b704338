using System.Data.Common;
using HubApp.Contracts;
using HubApp.Rooms;
using HubApp.Sending;
using HubApp.Storage;
using HubApp.Telemetry;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Messaging;

/// <summary>
/// One node: delivery through SignalR once committed. A room's entries of the batch go out together, in id order
/// (<see cref="ILocalGroupBatches"/>: one write per member where its transport allows), started and not awaited:
/// each connection's writes are queued in call order (its write lock is fair), so id order holds per room and
/// connection while a slow one is left to its own buffer (see <see cref="FireAndForget"/>). The room's event streams
/// get them too (<see cref="RoomLogFeed"/>).
/// </summary>
internal sealed class LocalMessageDelivery(IHubClients<IChatClient> clients, ILocalGroupBatches groups, RoomLogFeed feed, ChatMetrics metrics, ILogger<LocalMessageDelivery> logger) : IMessageDelivery
{
    public Task OnCommittingAsync(DbConnection connection, AppendResult stored, CancellationToken cancellationToken) => Task.CompletedTask;

    public void OnCommitted(AppendResult stored)
    {
        foreach (var (room, entries) in ByRoom(stored.Messages))
        {
            FireAndForget.Observe(groups.SendLocalGroupInOrderAsync(room, nameof(IChatClient.MessageReceived), entries), logger);
        }

        foreach (var message in stored.Messages)
        {
            feed.Publish(message);
        }

        foreach (var message in stored.DirectMessages)
        {
            SendDirect(clients, message, logger);
        }

        metrics.Delivered(stored.Messages.Count + stored.DirectMessages.Count);
    }

    /// <summary>A batch's entries by room, each room's in id order (the batch's).</summary>
    private static Dictionary<string, List<ChatMessage>> ByRoom(IReadOnlyList<ChatMessage> messages)
    {
        var rooms = new Dictionary<string, List<ChatMessage>>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            if (!rooms.TryGetValue(message.Room, out var entries))
            {
                rooms[message.Room] = entries = [];
            }

            entries.Add(message);
        }

        return rooms;
    }

    /// <summary>A direct message to every connection of both users (once to a note to self), started, not awaited.</summary>
    private static void SendDirect(IHubClients<IChatClient> clients, DirectMessage message, ILogger logger)
    {
        var recipients = message.FromUserId == message.ToUserId
            ? clients.User(message.ToUserId)
            : clients.Users([message.ToUserId, message.FromUserId]);
        FireAndForget.Observe(recipients.DirectMessageReceived(message), logger);
    }
}
