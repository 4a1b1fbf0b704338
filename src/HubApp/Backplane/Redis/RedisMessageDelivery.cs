using System.Data.Common;
using HubApp.Contracts;
using HubApp.Messaging;
using HubApp.Storage;
using HubApp.Telemetry;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Backplane.Redis;

/// <summary>
/// Room and direct messages with the Redis engine, once committed: room entries go to this node's members at once,
/// in id order (<see cref="RoomLogSequencer"/>), and to the other nodes holding the room on its channel
/// (<see cref="RedisRoomLog"/>); direct messages through SignalR's Redis manager, to every connection of both users
/// wherever it is. So while Redis is down the sender's node still delivers at once and the others catch up after.
/// </summary>
internal sealed class RedisMessageDelivery(
    RoomLogSequencer sequencer,
    RedisRoomLog log,
    IHubClients<IChatClient> clients,
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
            LocalMessageDelivery.SendDirect(clients, message, logger);
        }

        metrics.Delivered(stored.DirectMessages.Count);
    }
}
