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

    private readonly ConcurrentDictionary<string, Entry> _rooms = new(StringComparer.Ordinal);

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
            _rooms.Clear();
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
            _rooms.TryRemove(new KeyValuePair<string, Entry>(room, entry));
        }
    }

    /// <summary>Whether this node keeps a copy of <paramref name="room"/> (what the working set holds).</summary>
    public bool Holds(string room) => _rooms.ContainsKey(room);

    /// <summary>Drops what is known of <paramref name="room"/>: the next decision reads the store.</summary>
    public void Invalidate(string room)
    {
        Interlocked.Increment(ref _generation);
        _rooms.TryRemove(room, out _);
    }

    /// <summary>Drops every room: changes may have been missed (a backplane outage).</summary>
    public void InvalidateAll()
    {
        Interlocked.Increment(ref _generation);
        _rooms.Clear();
    }

    private void Refresh(string room, Entry stale, long now)
    {
        // Only one refresh wins; an invalidation meanwhile removed the stale entry, and this must not bring it back.
        if (_rooms.TryUpdate(room, new Entry(stale.Load, now), stale))
        {
            var next = new Entry(LoadAsync(room), now);
            next.Load.ContinueWith(
                task =>
                {
                    if (task.IsCompletedSuccessfully && _rooms.TryGetValue(room, out var current) && current.Load == stale.Load)
                    {
                        _rooms.TryUpdate(room, next, current);
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
                    _rooms.TryRemove(new KeyValuePair<string, Entry>(room, entry));
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return load;
    }

    private sealed record Entry(Task<StoredRoom> Load, long LoadedAt);
}
