using System.Collections.Concurrent;
using System.Collections.Immutable;
using HubApp.Contracts;

namespace HubApp.Presence;

/// <summary>
/// Which connection has joined which room, and so which users are present where. A user is present in a
/// room while at least one of their connections has joined it.
/// </summary>
/// <remarks>
/// Called concurrently from every connection. Joins and leaves take one lock: they are rare next to
/// messages, and one lock keeps "became present" / "no longer present" exact. The per-message check
/// <see cref="IsInRoom"/> takes no lock: it reads the connection's immutable room set, replaced under the lock.
/// </remarks>
public sealed class PresenceTracker
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, ConnectionEntry> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, UserEntry>> _rooms = new(StringComparer.Ordinal);

    // Each user's connection ids here, replaced whole under the lock (a user holds a few at most, Limits:MaxConnectionsPerUser):
    // a user's connections are asked for on every join that lists a room and every marker move, and a walk over every
    // connection of the node was 4% of a connect storm's CPU at 3,000 connections.
    private readonly Dictionary<string, string[]> _connectionsPerUser = new(StringComparer.Ordinal);

    // Per room, this node's joined connections that take batched presence (PresenceModes.Batched): a room without any
    // sends its presence events as it always did.
    private readonly Dictionary<string, int> _batchedPerRoom = new(StringComparer.Ordinal);
    private int _batchedConnections;

    /// <summary>
    /// Registers a connection; false when the user already holds <paramref name="maxPerUser"/> connections.
    /// <paramref name="batched"/>: it takes <c>PresenceChanged</c> instead of <c>UserJoined</c>/<c>UserLeft</c>.
    /// </summary>
    public bool TryConnect(string connectionId, string userId, string userName, int maxPerUser, bool batched = false)
    {
        lock (_gate)
        {
            var ids = _connectionsPerUser.GetValueOrDefault(userId, []);
            if (ids.Length >= maxPerUser)
            {
                return false;
            }

            _connectionsPerUser[userId] = [.. ids, connectionId];
            _connections[connectionId] = new ConnectionEntry(new Member(userId, userName), batched);
            if (batched)
            {
                _batchedConnections++;
            }

            return true;
        }
    }

    /// <summary>Forgets a connection and returns the rooms where its user is no longer present.</summary>
    public IReadOnlyList<string> Disconnect(string connectionId)
    {
        lock (_gate)
        {
            if (!_connections.TryRemove(connectionId, out var entry))
            {
                return [];
            }

            var userId = entry.Member.UserId;
            var ids = _connectionsPerUser[userId];
            if (ids.Length == 1)
            {
                _connectionsPerUser.Remove(userId);
            }
            else
            {
                _connectionsPerUser[userId] = Array.FindAll(ids, id => id != connectionId);
            }

            if (entry.Batched)
            {
                _batchedConnections--;
            }

            var left = new List<string>();
            foreach (var room in entry.Rooms)
            {
                if (RemoveFromRoom(room, userId, entry.Batched))
                {
                    left.Add(room);
                }
            }

            return left;
        }
    }

    public JoinResult Join(string connectionId, string room, int maxRooms)
    {
        lock (_gate)
        {
            var entry = _connections[connectionId];
            if (entry.Rooms.Contains(room))
            {
                return JoinResult.AlreadyJoined;
            }

            if (entry.Rooms.Count >= maxRooms)
            {
                return JoinResult.TooManyRooms;
            }

            entry.Rooms = entry.Rooms.Add(room);
            if (entry.Batched)
            {
                _batchedPerRoom[room] = _batchedPerRoom.GetValueOrDefault(room) + 1;
            }

            if (!_rooms.TryGetValue(room, out var users))
            {
                _rooms[room] = users = new Dictionary<string, UserEntry>(StringComparer.Ordinal);
            }

            var member = entry.Member;
            if (users.TryGetValue(member.UserId, out var user))
            {
                user.Connections++;
                return JoinResult.Joined;
            }

            users[member.UserId] = new UserEntry(member);
            return JoinResult.BecamePresent;
        }
    }

    /// <summary>Removes the connection from the room; true when its user is no longer present there.</summary>
    public bool Leave(string connectionId, string room)
    {
        lock (_gate)
        {
            if (!_connections.TryGetValue(connectionId, out var entry) || !entry.Rooms.Contains(room))
            {
                return false;
            }

            entry.Rooms = entry.Rooms.Remove(room);
            return RemoveFromRoom(room, entry.Member.UserId, entry.Batched);
        }
    }

    public int ConnectionsOf(string userId)
    {
        lock (_gate)
        {
            return _connectionsPerUser.TryGetValue(userId, out var ids) ? ids.Length : 0;
        }
    }

    /// <summary>The user's connections on this node, in the order they connected.</summary>
    public IReadOnlyList<string> ConnectionIdsOf(string userId)
    {
        lock (_gate)
        {
            return _connectionsPerUser.GetValueOrDefault(userId, []);
        }
    }

    /// <summary>This node's connections that have joined a room, each with its member and rooms: a snapshot taken without the lock.</summary>
    public IReadOnlyList<(string ConnectionId, Member Member, IReadOnlySet<string> Rooms)> JoinedConnections() =>
        [.. _connections.Where(c => c.Value.Rooms.Count > 0).Select(c => (c.Key, c.Value.Member, (IReadOnlySet<string>)c.Value.Rooms))];

    /// <summary>This node's connections that have joined <paramref name="room"/>, with their members: a walk over them all, taken without the lock.</summary>
    public IReadOnlyList<(string ConnectionId, Member Member)> ConnectionsIn(string room) =>
        [.. _connections.Where(c => c.Value.Rooms.Contains(room)).Select(c => (c.Key, c.Value.Member))];

    /// <summary>Whether the connection takes batched presence; takes no lock.</summary>
    public bool IsBatched(string connectionId) => _connections.TryGetValue(connectionId, out var entry) && entry.Batched;

    /// <summary>Whether any connection of this node takes batched presence (a read without the lock: a hint).</summary>
    public bool AnyBatched => Volatile.Read(ref _batchedConnections) > 0;

    /// <summary>Whether a connection of this node that takes batched presence has joined <paramref name="room"/>.</summary>
    public bool HasBatched(string room)
    {
        lock (_gate)
        {
            return _batchedPerRoom.ContainsKey(room);
        }
    }

    public bool IsInRoom(string connectionId, string room) =>
        _connections.TryGetValue(connectionId, out var entry) && entry.Rooms.Contains(room);

    /// <summary>Whether any connection of this node has joined <paramref name="room"/>.</summary>
    public bool HasMembers(string room)
    {
        lock (_gate)
        {
            return _rooms.ContainsKey(room);
        }
    }

    public IReadOnlyList<Member> Members(string room)
    {
        lock (_gate)
        {
            return _rooms.TryGetValue(room, out var users) ? users.Values.Select(u => u.Member).ToArray() : [];
        }
    }

    public PresenceCounts Counts()
    {
        lock (_gate)
        {
            var rooms = _rooms.ToDictionary(r => r.Key, r => r.Value.Count, StringComparer.Ordinal);
            return new PresenceCounts(_connections.Count, _connectionsPerUser.Count, rooms);
        }
    }

    /// <summary>Rooms where at least one user is present through this node (a metrics gauge, read per scrape).</summary>
    public int ActiveRooms()
    {
        lock (_gate)
        {
            return _rooms.Count;
        }
    }

    /// <summary>Users with at least one connection of this node in a room (a metrics gauge, read per scrape); takes no lock.</summary>
    public int UsersPresent()
    {
        var users = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, entry) in _connections)
        {
            if (entry.Rooms.Count > 0)
            {
                users.Add(entry.Member.UserId);
            }
        }

        return users.Count;
    }

    private bool RemoveFromRoom(string room, string userId, bool batched)
    {
        if (batched && --_batchedPerRoom[room] == 0)
        {
            _batchedPerRoom.Remove(room);
        }

        var users = _rooms[room];
        var user = users[userId];
        if (--user.Connections > 0)
        {
            return false;
        }

        users.Remove(userId);
        if (users.Count == 0)
        {
            _rooms.Remove(room);
        }

        return true;
    }

    private sealed class ConnectionEntry(Member member, bool batched)
    {
        public Member Member { get; } = member;

        public bool Batched { get; } = batched;

        // Replaced, never mutated, so that readers outside the lock see a whole set.
        public volatile ImmutableHashSet<string> Rooms = ImmutableHashSet.Create<string>(StringComparer.Ordinal);
    }

    private sealed class UserEntry(Member member)
    {
        public Member Member { get; } = member;

        public int Connections { get; set; } = 1;
    }
}

public enum JoinResult
{
    Joined,
    BecamePresent,
    AlreadyJoined,
    TooManyRooms,
}

/// <summary>Live counts for <c>GET /stats</c>: room value = users present.</summary>
public sealed record PresenceCounts(int Connections, int Users, IReadOnlyDictionary<string, int> Rooms);
