using System.Collections.Concurrent;
using HubApp.Contracts;
using HubApp.Storage;

namespace HubApp.Rooms;

/// <summary>
/// This node's copy of each room's stored state (kind, owner, members, bans, mutes), read through from
/// <see cref="IRoomStore"/>. Every change made on any node drops the room here (<see cref="Invalidate"/>, through
/// <see cref="IRoomChangeBus"/>); <see cref="MaxAge"/> bounds how long a change whose notice was lost (a backplane outage)
/// can go unseen. Bans and mutes are kept with their end time and compared with the clock at each decision, so one that
/// expires lifts by itself, without a change.
/// </summary>
/// <remarks>
/// Called concurrently from every connection. A hit completes synchronously, so a send checked here still queues its write
/// before its first real await (the order of a user's sends, see MessageWriter). Callers of one room share one load; an
/// entry past <see cref="MaxAge"/> is still answered while it is read again in the background. A load that fails is not
/// kept (the caller sees the store's failure; the next call reads again).
/// </remarks>
internal sealed class RoomStateCache(IRoomStore store, TimeProvider time)
{
    /// <summary>How long an entry is answered without being read again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    /// <summary>Rooms kept before the cache starts afresh (a bound on memory, not a working-set size).</summary>
    public const int MaxRooms = 10_000;

    /// <summary>
    /// Users noted as having a room on their list (<see cref="NoteListed"/>), across rooms, beyond which no more are noted
    /// (a bound on memory: a join past it reads the store, as before).
    /// </summary>
    public const int MaxListed = 100_000;

    private readonly ConcurrentDictionary<string, Entry> _rooms = new(StringComparer.Ordinal);

    // Roughly the users noted in the entries held (an entry dropped takes its count with it).
    private int _listed;

    // Bumped by every invalidation: a load that began before one may have read the state from before the change, and is
    // not kept once it ends (its callers, who asked before the change, still get it).
    private long _generation;

    public Task<StoredRoom> GetAsync(string room, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        if (_rooms.TryGetValue(room, out var entry))
        {
            if (entry.Load.IsCompletedSuccessfully && time.GetElapsedTime(entry.LoadedAt, now) >= MaxAge)
            {
                Refresh(room, entry, now);
            }

            return entry.Load;
        }

        if (_rooms.Count >= MaxRooms)
        {
            Clear();
        }

        var loading = new Entry(LoadAsync(room), now);
        return _rooms.GetOrAdd(room, loading).Load;
    }

    /// <summary>
    /// Forgets an open room's copy, once nobody on this node is in it. An open room has no members or roles to decide on, and
    /// one nobody is in and without messages is nothing to list or keep; without this every name anyone ever joined stayed
    /// here until <see cref="MaxRooms"/>. Reading it again when someone joins costs one store read.
    /// </summary>
    public void ForgetOpen(string room)
    {
        if (_rooms.TryGetValue(room, out var entry) && entry.Load.IsCompletedSuccessfully && entry.Load.Result.Kind == RoomKinds.Open)
        {
            Remove(room, entry);
        }
    }

    /// <summary>Whether this node keeps a copy of <paramref name="room"/> (what the working set holds).</summary>
    public bool Holds(string room) => _rooms.ContainsKey(room);

    /// <summary>Drops what is known of <paramref name="room"/>: the next decision reads the store.</summary>
    public void Invalidate(string room)
    {
        Interlocked.Increment(ref _generation);
        if (_rooms.TryRemove(room, out var entry))
        {
            Interlocked.Add(ref _listed, -entry.ListedCount);
        }
    }

    /// <summary>Drops every room: changes may have been missed (a backplane outage).</summary>
    public void InvalidateAll()
    {
        Interlocked.Increment(ref _generation);
        Clear();
    }

    /// <summary>The count of invalidations so far: taken before the store read whose answer <see cref="NoteListed"/> notes.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>
    /// Whether <paramref name="userId"/> has <paramref name="room"/> on their list, as noted since this node's copy of the room
    /// was read. Every change that takes a room off a list (a kick, a ban, leaving for good) is a change of the room, which
    /// drops the copy and what was noted with it, on every node; a notice lost between nodes is bounded as the copy's state
    /// is, by <see cref="MaxAge"/> (a refresh starts the notes afresh) and a resync.
    /// </summary>
    public bool IsListed(string room, string userId) => _rooms.TryGetValue(room, out var entry) && entry.IsListed(userId);

    /// <summary>
    /// Notes that the store answered <paramref name="room"/> to be on <paramref name="userId"/>'s list, unless the room was
    /// invalidated since <paramref name="generation"/> (<see cref="Generation"/> before that read): the answer may be from
    /// before a removal.
    /// </summary>
    public void NoteListed(string room, string userId, long generation)
    {
        if (Volatile.Read(ref _listed) >= MaxListed || !_rooms.TryGetValue(room, out var entry) || !entry.NoteListed(userId))
        {
            return;
        }

        Interlocked.Increment(ref _listed);
        // An invalidation bumps the generation before it removes the entry: either it is seen here, or it removes the entry
        // (and this note with it) after.
        if (Interlocked.Read(ref _generation) != generation && entry.ForgetListed(userId))
        {
            Interlocked.Decrement(ref _listed);
        }
    }

    private void Remove(string room, Entry entry)
    {
        if (_rooms.TryRemove(new KeyValuePair<string, Entry>(room, entry)))
        {
            Interlocked.Add(ref _listed, -entry.ListedCount);
        }
    }

    private void Clear()
    {
        _rooms.Clear();
        Volatile.Write(ref _listed, 0);
    }

    private void Refresh(string room, Entry stale, long now)
    {
        // Only one refresh wins; an invalidation meanwhile removed the stale entry, and this must not bring it back.
        if (_rooms.TryUpdate(room, new Entry(stale.Load, now), stale))
        {
            Interlocked.Add(ref _listed, -stale.ListedCount);
            var next = new Entry(LoadAsync(room), now);
            next.Load.ContinueWith(
                task =>
                {
                    if (task.IsCompletedSuccessfully && _rooms.TryGetValue(room, out var current) && current.Load == stale.Load && _rooms.TryUpdate(room, next, current))
                    {
                        Interlocked.Add(ref _listed, -current.ListedCount);
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private Task<StoredRoom> LoadAsync(string room)
    {
        var generation = Interlocked.Read(ref _generation);
        var load = store.GetRoomAsync(room, CancellationToken.None);
        load.ContinueWith(
            task =>
            {
                var keep = task.IsCompletedSuccessfully && Interlocked.Read(ref _generation) == generation;
                if (!keep && _rooms.TryGetValue(room, out var entry) && entry.Load == task)
                {
                    Remove(room, entry);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return load;
    }

    // A refresh past MaxAge makes a new entry, so what was noted starts afresh with it.
    private sealed class Entry(Task<StoredRoom> load, long loadedAt)
    {
        private readonly Lock _gate = new();
        private HashSet<string>? _listed;

        public Task<StoredRoom> Load { get; } = load;

        public long LoadedAt { get; } = loadedAt;

        public int ListedCount
        {
            get
            {
                lock (_gate)
                {
                    return _listed?.Count ?? 0;
                }
            }
        }

        public bool IsListed(string userId)
        {
            lock (_gate)
            {
                return _listed?.Contains(userId) == true;
            }
        }

        public bool NoteListed(string userId)
        {
            lock (_gate)
            {
                return (_listed ??= new HashSet<string>(StringComparer.Ordinal)).Add(userId);
            }
        }

        public bool ForgetListed(string userId)
        {
            lock (_gate)
            {
                return _listed?.Remove(userId) == true;
            }
        }
    }
}
