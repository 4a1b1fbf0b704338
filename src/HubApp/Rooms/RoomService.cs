using System.Collections.Concurrent;
using HubApp.Contracts;
using HubApp.Errors;
using HubApp.History;
using HubApp.Limits;
using HubApp.Presence;
using HubApp.Sending;
using HubApp.Storage;
using HubApp.Telemetry;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace HubApp.Rooms;

/// <summary>
/// Connections entering and leaving rooms: SignalR groups, presence and the presence events. The events are
/// started, not awaited (<see cref="FireAndForget"/>): a member that stops reading never holds up another
/// caller's JoinRoom or LeaveRoom, nor a disconnect.
/// </summary>
internal sealed partial class RoomService(
    PresenceTracker presence,
    IPresenceDirectory directory,
    JoiningConnections joining,
    HistoryService history,
    RoomAuthorization authorization,
    IRoomStore rooms,
    IRoomTracking tracking,
    RoomStateCache roomStates,
    UserRoomList roomList,
    IHubClients<IChatClient> clients,
    IGroupManager groups,
    ChatMetrics metrics,
    IOptions<LimitsOptions> limits,
    TimeProvider time,
    ILogger<RoomService> logger)
{
    private readonly JoinRateLimiter _joins = new(time);

    // This node's admin connections: a reconciliation decides for them as their calls are decided (admins read every room).
    private readonly ConcurrentDictionary<string, byte> _admins = new(StringComparer.Ordinal);

    public async Task ConnectAsync(ChatCaller caller, CancellationToken cancellationToken)
    {
        if (caller.IsAdmin)
        {
            _admins.TryAdd(caller.ConnectionId, 0);
        }

        // This node's count first (no round trip for a flood from one user), then every node's.
        var max = limits.Value.MaxConnectionsPerUser;
        var admitted = presence.TryConnect(caller.ConnectionId, caller.UserId, caller.UserName, max, caller.BatchedPresence);
        if (admitted && !await directory.ConnectedAsync(caller.ConnectionId, caller.Member, max, cancellationToken))
        {
            presence.Disconnect(caller.ConnectionId);
            admitted = false;
        }

        if (!admitted)
        {
            LogTooManyConnections(logger, caller.UserId, max);
            // The hub's filter closes the connection with it (Hubs/ConnectionRefusal), as a refusal, not a fault.
            throw ChatErrors.TooManyConnections(max);
        }
    }

    /// <summary>Leaves every room the connection had joined. Runs for every closed connection, errors included.</summary>
    public async Task DisconnectAsync(ChatCaller caller)
    {
        _admins.TryRemove(caller.ConnectionId, out _);
        metrics.ConnectionClosed(caller.ConnectionId);
        // SignalR removes a closed connection from its groups by itself, after this runs; only presence is ours.
        var goneHere = presence.Disconnect(caller.ConnectionId);
        ForgetIfEmpty(goneHere);
        foreach (var room in await directory.DisconnectedAsync(caller.ConnectionId, caller.Member, goneHere, CancellationToken.None))
        {
            FireAndForget.Observe(clients.GroupExcept(room, caller.ConnectionId).UserLeft(new PresenceEvent(room, caller.UserId, caller.UserName, Now())), logger);
        }
    }

    /// <summary>
    /// Joins the connection to the room and answers its snapshot. The room's presence events for it are held back from just
    /// before the members are read until <paramref name="held"/>'s hold is disposed, which the hub does once the answer is
    /// written (<see cref="JoiningConnections"/>): each join of someone else is in the snapshot or an event after it.
    /// </summary>
    public async Task<RoomSnapshot> JoinAsync(ChatCaller caller, string? room, long? sinceId, Action<IDisposable> held, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(held);
        var name = RoomAccess.RequireValid(room);
        // Before any other check: a private room's outsider learns nothing but that the name is taken.
        var rights = await authorization.RequireReaderAsync(caller, name, cancellationToken);
        // Only new joins count: a catch-up page or a retry for a room the connection has joined costs nothing.
        if (!presence.IsInRoom(caller.ConnectionId, name) && !_joins.TryAcquire(caller.UserId))
        {
            throw ChatErrors.JoinsRateLimited(JoinRateLimiter.PerMinute);
        }

        var result = presence.Join(caller.ConnectionId, name, limits.Value.MaxRoomsPerConnection);
        if (result == JoinResult.TooManyRooms)
        {
            throw ChatErrors.TooManyRooms(limits.Value.MaxRoomsPerConnection);
        }

        // Into the group, and the room tracked here, before reading history: a message stored meanwhile then arrives
        // live, in the snapshot, or both (the client drops the duplicate by id), never neither.
        await groups.AddToGroupAsync(caller.ConnectionId, name, cancellationToken);
        HistoryPage page;
        RoomReadState read;
        var becamePresent = false;
        try
        {
            await tracking.TrackAsync(name, cancellationToken);
            // Again, now that the connection is in: a ban or kick told to this node since the first check either finds it
            // here (and removes it) or dropped the cached room, so this reads the change. No removal slips between the two.
            await authorization.RequireReadableAsync(caller, name, cancellationToken);
            if (result != JoinResult.AlreadyJoined)
            {
                // On the user's list for good (a re-join of a joined room, a catch-up page, changes nothing); a full list
                // refuses the join, and the connection leaves the room again below.
                await roomList.AddAsync(caller, name, cancellationToken);
            }

            page = await history.ForJoinAsync(name, sinceId, cancellationToken);
            read = await roomList.ReadStateAsync(caller, name, cancellationToken);
            if (result != JoinResult.AlreadyJoined)
            {
                becamePresent = await directory.JoinedAsync(caller, name, result == JoinResult.BecamePresent, cancellationToken);
            }
        }
        catch when (result != JoinResult.AlreadyJoined)
        {
            await LeaveAsync(caller, name, notify: false);
            throw;
        }

        if (rights is { Room.Kind: RoomKinds.Public, Role: null })
        {
            // Whoever joins a public room is a member of it. Only the member list changes (no decision turns on it), which
            // every node reads from the store, so this node's copy is all there is to drop.
            await rooms.AddMemberAsync(name, caller.UserId, caller.UserName, cancellationToken);
            roomStates.Invalidate(name);
        }

        if (becamePresent)
        {
            FireAndForget.Observe(clients.GroupExcept(name, caller.ConnectionId).UserJoined(new PresenceEvent(name, caller.UserId, caller.UserName, Now())), logger);
        }

        held(joining.Hold(caller.ConnectionId, name));
        var members = await directory.MembersAsync(name, cancellationToken);

        if (sinceId is not null)
        {
            // A sinceId on a connection that has joined the room already: its client saw a gap in the ids and is
            // repairing it (or fetching the next page of a catch-up that was not complete).
            metrics.CaughtUp(page.Messages.Count, gapRepair: result == JoinResult.AlreadyJoined);
        }

        return new RoomSnapshot(name, members, page.Messages, page.Complete, read.LastReadId, read.UnreadCount, read.MentionCount);
    }

    public Task LeaveAsync(ChatCaller caller, string? room) => LeaveAsync(caller, RoomAccess.RequireValid(room), notify: true);

    /// <summary>Scroll-back for a connection that joined the room; a caller who may not read it is refused before <c>not_in_room</c>.</summary>
    public async Task<IReadOnlyList<ChatMessage>> HistoryAsync(ChatCaller caller, string? room, long? beforeId, int limit, CancellationToken cancellationToken)
    {
        var name = RoomAccess.RequireValid(room);
        await authorization.RequireReadableAsync(caller, name, cancellationToken);
        return await history.BeforeAsync(presence.RequireJoined(caller, name), beforeId, limit, cancellationToken);
    }

    /// <summary>
    /// Takes out of the room this node's connections that <paramref name="change"/> removes (group, presence, <c>UserLeft</c>
    /// to the others where the user is no longer present) and tells each why (<c>RemovedFromRoom</c>): every connection here
    /// of <see cref="RoomChange.UserId"/>, joined or not; with <see cref="RoomChange.OnlyReaders"/>, each joined connection of
    /// a user not listed, admins' excepted.
    /// </summary>
    /// <remarks>
    /// Every removed connection is out of the group and of this node's presence before the returned task first waits
    /// (<see cref="LeaveAsync(ChatCaller, string, bool)"/> does both before its first await, and all are started at once):
    /// whoever started this before handing out the room's next entry or event has them out of it by then.
    /// </remarks>
    public async Task RemoveHereAsync(RoomChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Removal is not { } removal)
        {
            return;
        }

        var room = change.Room;
        IReadOnlyList<(string ConnectionId, Member Member)> removed;
        IReadOnlyList<string> told;
        if (change.OnlyReaders is { } readers)
        {
            removed = [.. presence.ConnectionsIn(room).Where(c => !readers.Contains(c.Member.UserId, StringComparer.Ordinal) && !_admins.ContainsKey(c.ConnectionId))];
            told = [.. removed.Select(c => c.ConnectionId)];
        }
        else if (change.UserId is { } userId)
        {
            told = presence.ConnectionIdsOf(userId);
            removed = [.. presence.ConnectionsIn(room).Where(c => c.Member.UserId == userId)];
        }
        else
        {
            return;
        }

        if (told.Count == 0)
        {
            return;
        }

        await Task.WhenAll(removed.Select(c => LeaveAsync(new ChatCaller(c.ConnectionId, c.Member), room, notify: true)));
        FireAndForget.Observe(clients.Clients(told).RemovedFromRoom(removal), logger);
    }

    /// <summary>
    /// Takes out of each room held here every connection that may no longer read it, with <c>RemovedFromRoom</c>: what a
    /// removal whose notice never arrived (a backplane outage) left behind, once this node's copy of the room is fresh.
    /// </summary>
    public async Task ReconcileHereAsync(CancellationToken cancellationToken)
    {
        // One walk over the connections, not a walk per member of every room (that was rooms × members × connections:
        // a tenth of a busy node's CPU at 3,000 connections). Rights come from the room cache, so a room is read once.
        foreach (var (connectionId, member, joined) in presence.JoinedConnections())
        {
            var caller = new ChatCaller(connectionId, member, _admins.ContainsKey(connectionId));
            foreach (var room in joined)
            {
                var rights = await authorization.RightsAsync(caller, room, cancellationToken);
                if (rights.CanRead || !presence.IsInRoom(connectionId, room))
                {
                    continue;
                }

                var ban = RoomRights.SanctionInForce(rights.Room, member.UserId, SanctionKind.Ban, rights.Now);
                var removal = new RoomRemoval(
                    room,
                    ban is null ? RemovalReasons.Kicked : RemovalReasons.Banned,
                    ByUserId: null,
                    Until: ban == RoomAuthorization.Forever ? null : ban);
                await LeaveAsync(caller, room, notify: true);
                FireAndForget.Observe(clients.Client(connectionId).RemovedFromRoom(removal), logger);
            }
        }
    }

    // Out of this node's presence and the room's group before the first await (RemoveHereAsync relies on it); the shared
    // directory, which may take a round trip, after.
    private async Task LeaveAsync(ChatCaller caller, string name, bool notify)
    {
        var lastHere = presence.Leave(caller.ConnectionId, name);
        var ungrouped = groups.RemoveFromGroupAsync(caller.ConnectionId, name);
        bool noLongerPresent;
        try
        {
            noLongerPresent = await directory.LeftAsync(caller.ConnectionId, caller.Member, name, lastHere, CancellationToken.None);
        }
        finally
        {
            await ungrouped;
        }

        ForgetIfEmpty([name]);

        if (noLongerPresent && notify)
        {
            FireAndForget.Observe(clients.Group(name).UserLeft(new PresenceEvent(name, caller.UserId, caller.UserName, Now())), logger);
        }
    }

    // The working set keeps no open room that nobody on this node is in (RoomStateCache.ForgetOpen).
    private void ForgetIfEmpty(IReadOnlyList<string> rooms)
    {
        foreach (var room in rooms)
        {
            if (!presence.HasMembers(room))
            {
                roomStates.ForgetOpen(room);
            }
        }
    }

    private DateTime Now() => time.GetUtcNow().UtcDateTime;

    [LoggerMessage(EventId = 20, Level = LogLevel.Debug, Message = "User {UserId} was refused a connection beyond the limit of {Max}.")]
    private static partial void LogTooManyConnections(ILogger logger, string userId, int max);
}
