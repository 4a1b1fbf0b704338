using HubApp.Contracts;
using HubApp.History;
using HubApp.Hubs;
using HubApp.Limits;
using HubApp.Presence;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace HubApp.Rooms;

/// <summary>Connections entering and leaving rooms: SignalR groups, presence and the presence events.</summary>
internal sealed partial class RoomService(
    PresenceTracker presence,
    HistoryService history,
    IHubContext<ChatHub, IChatClient> hub,
    IOptions<LimitsOptions> limits,
    TimeProvider time,
    ILogger<RoomService> logger)
{
    public void Connect(ChatCaller caller)
    {
        var max = limits.Value.MaxConnectionsPerUser;
        if (!presence.TryConnect(caller.ConnectionId, caller.UserId, caller.UserName, max))
        {
            LogTooManyConnections(logger, caller.UserId, max);
            throw ChatErrors.TooManyConnections(max);
        }
    }

    /// <summary>Leaves every room the connection had joined. Runs for every closed connection, errors included.</summary>
    public async Task DisconnectAsync(ChatCaller caller)
    {
        // SignalR removes a closed connection from its groups by itself, after this runs; only presence is ours.
        foreach (var room in presence.Disconnect(caller.ConnectionId))
        {
            await hub.Clients.GroupExcept(room, caller.ConnectionId).UserLeft(new PresenceEvent(room, caller.UserId, caller.UserName, Now()));
        }
    }

    public async Task<RoomSnapshot> JoinAsync(ChatCaller caller, string? room, long? sinceId, CancellationToken cancellationToken)
    {
        var name = RoomAccess.RequireValid(room);
        var result = presence.Join(caller.ConnectionId, name, limits.Value.MaxRoomsPerConnection);
        if (result == JoinResult.TooManyRooms)
        {
            throw ChatErrors.TooManyRooms(limits.Value.MaxRoomsPerConnection);
        }

        // Into the group before reading history: a message stored meanwhile then arrives live, in the
        // snapshot, or both (the client drops the duplicate by id), never neither.
        await hub.Groups.AddToGroupAsync(caller.ConnectionId, name, cancellationToken);
        HistoryPage page;
        try
        {
            page = await history.ForJoinAsync(name, sinceId, cancellationToken);
        }
        catch when (result != JoinResult.AlreadyJoined)
        {
            await LeaveAsync(caller, name, notify: false);
            throw;
        }

        if (result == JoinResult.BecamePresent)
        {
            await hub.Clients.GroupExcept(name, caller.ConnectionId).UserJoined(new PresenceEvent(name, caller.UserId, caller.UserName, Now()));
        }

        return new RoomSnapshot(name, presence.Members(name), page.Messages, page.Complete);
    }

    public Task LeaveAsync(ChatCaller caller, string? room) => LeaveAsync(caller, RoomAccess.RequireValid(room), notify: true);

    private async Task LeaveAsync(ChatCaller caller, string name, bool notify)
    {
        var noLongerPresent = presence.Leave(caller.ConnectionId, name);
        await hub.Groups.RemoveFromGroupAsync(caller.ConnectionId, name);
        if (noLongerPresent && notify)
        {
            await hub.Clients.Group(name).UserLeft(new PresenceEvent(name, caller.UserId, caller.UserName, Now()));
        }
    }

    private DateTime Now() => time.GetUtcNow().UtcDateTime;

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "User {UserId} was refused a connection beyond the limit of {Max}.")]
    private static partial void LogTooManyConnections(ILogger logger, string userId, int max);
}
