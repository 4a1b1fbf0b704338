using System.Data.Common;
using HubApp.Contracts;
using HubApp.Hubs;
using HubApp.Sending;
using HubApp.Storage;
using HubApp.Telemetry;

namespace HubApp.Backplane.Redis;

/// <summary>
/// Room and direct messages with the Redis engine, once committed: room entries go to this node's members at once,
/// in id order (<see cref="RoomLogSequencer"/>), and to the other nodes holding the room on its channel
/// (<see cref="RedisRoomLog"/>); direct messages to this node's connections of both users at once, and to the other
/// nodes holding either user on that user's sharded channel, which keeps one node's messages to a user in order also on
/// Redis Cluster (SignalR's own per-user channels are routed to any cluster node, so consecutive sends may overtake).
/// So while Redis is down the sender's node still delivers at once and the others catch up after (room entries from the
/// store; direct messages by the clients' sync).
/// </summary>
internal sealed class RedisMessageDelivery(
    RoomLogSequencer sequencer,
    RedisRoomLog log,
    ILocalConnections local,
    ChatMetrics metrics,
    ILogger<RedisMessageDelivery> logger) : IMessageDelivery
{
    public Task OnCommittingAsync(DbConnection connection, AppendResult stored, CancellationToken cancellationToken) => Task.CompletedTask;

    public void OnCommitted(AppendResult stored)
    {
        foreach (var message in stored.Messages)
        {
            sequencer.Offer(message);
        }

        log.Publish(stored.Messages);
        foreach (var message in stored.DirectMessages)
        {
            IReadOnlyList<string> users = string.Equals(message.FromUserId, message.ToUserId, StringComparison.Ordinal)
                ? [message.ToUserId]
                : [message.ToUserId, message.FromUserId];
            FireAndForget.Observe(local.SendLocalUsersAsync(users, nameof(IChatClient.DirectMessageReceived), [message]), logger);
            log.PublishDirect(message);
        }

        metrics.Delivered(stored.DirectMessages.Count);
    }
}
