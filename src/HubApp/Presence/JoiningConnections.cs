using HubApp.Contracts;

namespace HubApp.Presence;

/// <summary>
/// This node's connections whose <c>JoinRoom</c> has read the room's members but whose answer is not yet written, and the
/// presence events of that room held back for them meanwhile. An event reaching this node before a joiner is held is
/// already in the members it reads after (the change was made, on this node or committed in the shared directory, before
/// the event was sent); one reaching it after is sent to the joiner only once its answer is on the wire. So every join is
/// either in a snapshot or an event after it, whatever order the rejoins take, on every engine.
/// </summary>
/// <remarks>
/// Called concurrently from every connection and from the backplane's receiving loop. One lock: presence events are rare
/// next to messages, and under it a held event is queued and a group's send is started, so a released joiner gets its held
/// events before any later one. A hold ends when the joining invocation's hub is disposed, which SignalR does
/// after it wrote the answer (<c>DefaultHubDispatcher</c>: completion, then cleanup).
/// Connections that take batched presence get the room's <c>PresenceChanged</c> (<see cref="PresenceBatcher"/>) through the
/// same hold, and no <c>UserJoined</c>/<c>UserLeft</c>: each batch is sent to the room's presence group
/// (<see cref="PresenceGroup"/>), which only they are in.
/// </remarks>
public sealed class JoiningConnections
{
    private readonly PresenceTracker _tracker;
    private readonly PresenceBatcher _batcher;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, Joiner>> _rooms = new(StringComparer.Ordinal);

    public JoiningConnections(PresenceTracker tracker, PresenceBatcher batcher)
    {
        ArgumentNullException.ThrowIfNull(batcher);
        _tracker = tracker;
        _batcher = batcher;
        batcher.Send = SendBatch;
    }

    /// <summary>Whether <paramref name="method"/> is a presence event, the only kind held.</summary>
    public static bool IsHeld(string method) => method is nameof(IChatClient.UserJoined) or nameof(IChatClient.UserLeft);

    /// <summary>
    /// This node's local send to one connection, started and not awaited: the lifetime manager sets it as it starts (it is
    /// the only one that sends to this node's connections without passing here again).
    /// </summary>
    public Action<string, string, object?[]>? SendToConnection { get; set; }

    /// <summary>This node's local send to a group but the connections given: the lifetime manager sets it as it starts.</summary>
    public Func<string, string, object?[], IReadOnlyList<string>, Task>? SendToGroupExcept { get; set; }

    /// <summary>
    /// The local group, besides the room's own, that a connection taking batched presence joins with the room; null for a
    /// connection that does not. Its name cannot be a room's (a room name has no <c>:</c>).
    /// </summary>
    public string? PresenceGroup(string connectionId, string room) => _tracker.IsBatched(connectionId) ? PresenceGroupOf(room) : null;

    /// <summary>
    /// Sends a presence event (<see cref="IsHeld"/>) to this node's connections in the room but those excluded: as it is to
    /// those that take single events, and into the room's next batch for those that take batched presence.
    /// </summary>
    public Task SendPresence(string room, string method, object?[] args, IReadOnlyList<string> excluded)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (_tracker.AnyBatched)
        {
            if (args is [PresenceEvent presence] && _tracker.HasBatched(room))
            {
                _batcher.Add(room, new Member(presence.UserId, presence.UserName), method == nameof(IChatClient.UserJoined));
            }

            excluded = new ExcludedConnectionSet(excluded, _tracker.IsBatched);
        }

        return Send(room, method, args, excluded, except => SendGroup(room, method, args, except));
    }

    /// <summary>
    /// Holds back the room's presence events for the connection, before it reads the room's members; disposing the result
    /// ends the hold once the answer is written, and sends what was held, in order, if the connection is still in the room.
    /// </summary>
    public IDisposable Hold(string connectionId, string room)
    {
        lock (_gate)
        {
            if (!_rooms.TryGetValue(room, out var joiners))
            {
                _rooms[room] = joiners = new Dictionary<string, Joiner>(StringComparer.Ordinal);
            }

            if (joiners.TryGetValue(connectionId, out var joiner))
            {
                joiner.Holds++;
            }
            else
            {
                joiners[connectionId] = new Joiner();
            }
        }

        return new Release(this, connectionId, room);
    }

    private void End(string connectionId, string room)
    {
        lock (_gate)
        {
            if (!_rooms.TryGetValue(room, out var joiners) || !joiners.TryGetValue(connectionId, out var joiner) || --joiner.Holds > 0)
            {
                return;
            }

            joiners.Remove(connectionId);
            if (joiners.Count == 0)
            {
                _rooms.Remove(room);
            }

            if (SendToConnection is { } send && _tracker.IsInRoom(connectionId, room))
            {
                foreach (var (method, args) in joiner.Held)
                {
                    send(connectionId, method, args);
                }
            }
        }
    }

    /// <summary>
    /// Sends a presence event (<see cref="IsHeld"/>, or a batch of them) to this node's connections in the room: it is held
    /// for the joiners that <paramref name="send"/> would reach (not in <paramref name="excluded"/>, and in
    /// <paramref name="audience"/> when given), and <paramref name="send"/> is started, under the lock, with them excluded too.
    /// </summary>
    public Task Send(string room, string method, object?[] args, IReadOnlyList<string> excluded, Func<IReadOnlyList<string>, Task> send, Func<string, bool>? audience = null)
    {
        ArgumentNullException.ThrowIfNull(send);
        lock (_gate)
        {
            if (!_rooms.TryGetValue(room, out var joiners))
            {
                return send(excluded);
            }

            List<string>? held = null;
            foreach (var (connectionId, joiner) in joiners)
            {
                // Contains without a comparer: an ExcludedConnectionSet answers it from its set, not by a walk.
                if (!excluded.Contains(connectionId) && (audience is null || audience(connectionId)))
                {
                    joiner.Held.Add((method, args));
                    (held ??= []).Add(connectionId);
                }
            }

            return send(held is null ? excluded : ExcludedConnectionSet.Join(excluded, held));
        }
    }

    private static string PresenceGroupOf(string room) => "presence:" + room;

    // The batch's own exclusions are none: a user's own join or leave in it tells their connections nothing wrong.
    private Task SendBatch(string room, PresenceBatch batch)
    {
        object?[] args = [batch];
        var group = PresenceGroupOf(room);
        return Send(room, nameof(IChatClient.PresenceChanged), args, [], except => SendGroup(group, nameof(IChatClient.PresenceChanged), args, except), _tracker.IsBatched);
    }

    private Task SendGroup(string group, string method, object?[] args, IReadOnlyList<string> except) =>
        SendToGroupExcept is { } send ? send(group, method, args, except) : Task.CompletedTask;

    private sealed class Release(JoiningConnections owner, string connectionId, string room) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.End(connectionId, room);
            }
        }
    }

    private sealed class Joiner
    {
        public int Holds { get; set; } = 1;

        public List<(string Method, object?[] Args)> Held { get; } = [];
    }
}
