using HubApp.Contracts;
using HubApp.DirectMessages;
using HubApp.Errors;
using HubApp.Limits;
using HubApp.Presence;
using HubApp.Sending;
using HubApp.Storage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace HubApp.Rooms;

/// <summary>
/// Each user's rooms, which follow the user to every device (contract v3, "Your rooms"): a join puts a room on the list
/// (<see cref="AddAsync"/>), leaving for good, a kick or a ban takes it off (<see cref="RemoveAsync"/>), and
/// <c>GetMyRooms</c> reads it (<see cref="ListAsync"/>). A change is told to the user's other connections
/// (<c>RoomAdded</c>, <c>RoomRemoved</c>) as read markers are: to the connections the presence directory lists for the user
/// at that moment, on every node; a connection opened a moment later reads the list fresh.
/// </summary>
/// <remarks>Called concurrently from every connection. Sends are started, not awaited (<see cref="FireAndForget"/>).</remarks>
internal sealed class UserRoomList(
    IUserRoomStore store,
    IReadMarkerStore markers,
    RoomAuthorization authorization,
    RoomStateCache roomStates,
    IPresenceDirectory presence,
    IHubClients<IChatClient> clients,
    IOptions<LimitsOptions> limits,
    TimeProvider time,
    ILogger<UserRoomList> logger)
{
    /// <summary>
    /// Puts <paramref name="room"/> on the caller's list, <c>RoomAdded</c> to their other connections when it was not there;
    /// <c>too_many_rooms</c> when the list is full. The caller may read the room (JoinRoom checked it).
    /// </summary>
    /// <remarks>
    /// A room this node has seen on the caller's list since it last read the room (<see cref="RoomStateCache.IsListed"/>) is
    /// not asked of the store again: nearly every join is of a room listed already (another tab, a reconnect).
    /// </remarks>
    public async Task AddAsync(ChatCaller caller, string room, CancellationToken cancellationToken)
    {
        if (roomStates.IsListed(room, caller.UserId))
        {
            return;
        }

        var max = limits.Value.MaxRoomsPerUser;
        var generation = roomStates.Generation;
        var addition = await store.AddUserRoomAsync(caller.UserId, room, max, time.GetUtcNow().UtcDateTime, cancellationToken);
        if (addition == UserRoomAddition.ListFull)
        {
            throw ChatErrors.TooManyRoomsListed(max);
        }

        roomStates.NoteListed(room, caller.UserId, generation);
        if (addition == UserRoomAddition.Added)
        {
            var others = await OtherConnectionsAsync(caller.UserId, caller.ConnectionId, cancellationToken);
            if (others.Count > 0 && await RoomsAsync(caller.UserId, room, 1, cancellationToken) is [var added, ..])
            {
                FireAndForget.Observe(clients.Clients(others).RoomAdded(added), logger);
            }
        }
    }

    /// <summary>
    /// Takes <paramref name="room"/> off the user's list and, when it was on it, tells <c>RoomRemoved</c> to their connections
    /// but <paramref name="exceptConnectionId"/> (the caller's own, when the user left; none, when a moderator removed them).
    /// </summary>
    public async Task RemoveAsync(string userId, string room, string? exceptConnectionId, CancellationToken cancellationToken)
    {
        if (await store.RemoveUserRoomAsync(userId, room, cancellationToken))
        {
            var others = await OtherConnectionsAsync(userId, exceptConnectionId, cancellationToken);
            if (others.Count > 0)
            {
                FireAndForget.Observe(clients.Clients(others).RoomRemoved(room), logger);
            }
        }
    }

    /// <summary>The caller's rooms, most recently active first, at most <c>Limits:MaxRoomsPerUser</c>; rooms they may no longer read left out.</summary>
    public async Task<IReadOnlyList<MyRoom>> ListAsync(ChatCaller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var listed = new List<MyRoom>();
        foreach (var room in await RoomsAsync(caller.UserId, null, limits.Value.MaxRoomsPerUser, cancellationToken))
        {
            // A kick or ban takes the room off the list, but a join that passed its check just before a ban may put it back,
            // and an open room claimed as private shuts out who is not a member: the rule of who reads what decides here.
            // Rights come from the room cache, which the client's joins of these rooms read next anyway.
            if (await authorization.CanReadAsync(caller, room.Room, cancellationToken))
            {
                listed.Add(room);
            }
        }

        return listed;
    }

    /// <summary>The caller's marker in a room, the message entries by others after it and the caller's mentions among them (each at most 1000), for JoinRoom.</summary>
    public Task<RoomReadState> ReadStateAsync(ChatCaller caller, string room, CancellationToken cancellationToken) =>
        markers.GetRoomReadStateAsync(caller.UserId, room, DirectHistoryService.MaxUnread, cancellationToken);

    private async Task<IReadOnlyList<MyRoom>> RoomsAsync(string userId, string? room, int limit, CancellationToken cancellationToken) =>
        [.. (await store.GetUserRoomsAsync(userId, room, limit, DirectHistoryService.MaxUnread, cancellationToken))
            .Select(r => new MyRoom(r.Room, r.Kind, r.Topic, r.LatestId, r.LastActivityAt, r.LastReadId, r.UnreadCount, r.MentionCount))];

    private async Task<IReadOnlyList<string>> OtherConnectionsAsync(string userId, string? exceptConnectionId, CancellationToken cancellationToken) =>
        [.. (await presence.ConnectionsOfAsync(userId, cancellationToken)).Where(id => id != exceptConnectionId)];
}
