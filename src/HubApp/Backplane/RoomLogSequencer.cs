using HubApp.Contracts;
using HubApp.Hubs;
using HubApp.Presence;
using HubApp.Rooms;
using HubApp.Sending;
using HubApp.Storage;
using HubApp.Telemetry;
using Microsoft.Extensions.Options;

namespace HubApp.Backplane;

/// <summary>
/// Hands this node's members each room's entries in id order, exactly once, whatever order they arrive in: from
/// this node's writer at once, from other nodes through an engine that does not keep order (Redis), or not at all
/// (an outage). Ids are consecutive per room, so a hole is seen at once; one still open after <see cref="HoleWait"/>
/// is read from the store, which is the truth (the engine is a fast hint). After an outage the engine calls
/// <see cref="RepairAll"/>: every room held here reads what it missed from the store.
/// </summary>
/// <remarks>
/// One per node, registered by each engine. The path goes one way: the engine's listener (and, on Redis, this node's
/// delivery after a commit) offers entries here, and this sends them to this node's members
/// (<see cref="ILocalConnections"/>); it knows no engine. A room is held from the first local join
/// (<see cref="TrackAsync"/>, the join's <see cref="IRoomTracking"/> step, awaited before the joining connection reads
/// history, so that every entry is either in its history or delivered live) while it has members here or an event
/// stream follows it (<see cref="RoomLogFeed"/>, which gets each entry as the members do). Each room has
/// its own lock; the sends are started under it in id order and not awaited (<see cref="FireAndForget"/>).
/// Entries waiting behind a hole are bounded (<see cref="MaxWaiting"/>): past it they are dropped and read again from
/// the store by the repair.
/// </remarks>
internal sealed partial class RoomLogSequencer(
    IMessageStore store,
    IRoomLogSource source,
    ILocalConnections local,
    PresenceTracker presence,
    RoomLogFeed feed,
    ChatMetrics metrics,
    IOptions<BackplaneOptions> options,
    TimeProvider time,
    ILogger<RoomLogSequencer> logger) : IRoomTracking, IDisposable
{
    /// <summary>How long an entry waits for the ones before it to arrive before they are read from the store.</summary>
    public static readonly TimeSpan HoleWait = TimeSpan.FromMilliseconds(250);

    private const int MaxWaiting = 10_000;
    private const int RepairPage = 500;
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly Lock _roomsGate = new();
    private readonly Dictionary<string, RoomState> _rooms = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _sweep;
    private int _disposed;

    /// <summary>Holds <paramref name="room"/> for a connection of this node that is joining it; returns once the room has its starting point.</summary>
    public async Task TrackAsync(string room, CancellationToken cancellationToken)
    {
        RoomState state;
        lock (_roomsGate)
        {
            _sweep ??= time.CreateTimer(_ => Sweep(), null, options.Value.RoomSweepInterval, options.Value.RoomSweepInterval);
            if (!_rooms.TryGetValue(room, out state!))
            {
                state = new RoomState(room);
                _rooms[room] = state;
                state.Started = Task.Run(() => StartAsync(state), CancellationToken.None);
            }
        }

        await state.Started.WaitAsync(cancellationToken);
    }

    /// <summary>An entry of a room, from wherever it came; ignored for rooms with no members here.</summary>
    public void Offer(ChatMessage entry)
    {
        RoomState? state;
        lock (_roomsGate)
        {
            _rooms.TryGetValue(entry.Room, out state);
        }

        if (state is null)
        {
            return;
        }

        lock (state)
        {
            if (state.Last is not { } last)
            {
                // Still reading its starting point: kept, and sorted out once that is known.
                Wait(state, entry);
                return;
            }

            if (entry.Id <= last)
            {
                return;
            }

            if (entry.Id == last + 1)
            {
                Deliver(state, entry);
                DrainWaiting(state);
                return;
            }

            Wait(state, entry);
            ScheduleRepair(state, HoleWait);
        }
    }

    /// <summary>Another node says a room has entries up to <paramref name="lastId"/> that may not have been published.</summary>
    public void Hint(string room, long lastId)
    {
        RoomState? state;
        lock (_roomsGate)
        {
            _rooms.TryGetValue(room, out state);
        }

        if (state is null)
        {
            return;
        }

        lock (state)
        {
            if (state.Last is { } last && lastId > last)
            {
                ScheduleRepair(state, TimeSpan.Zero);
            }
        }
    }

    /// <summary>After an outage of the engine: every room held here catches up from the store.</summary>
    public void RepairAll()
    {
        RoomState[] rooms;
        lock (_roomsGate)
        {
            rooms = [.. _rooms.Values];
        }

        foreach (var state in rooms)
        {
            lock (state)
            {
                if (state.Last is not null)
                {
                    ScheduleRepair(state, TimeSpan.Zero);
                }
            }
        }
    }

    // Idempotent: the container disposes it once per registration that returns it (itself, and as IRoomTracking).
    // The token source is cancelled, not disposed, as repairs still running read its token.
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Cancel();
            _sweep?.Dispose();
        }
    }

    // The room's newest stored id is where live delivery starts: the joining connection reads its history after
    // this, so it has everything up to here from there. The engine is told first, so that nothing published after
    // the read can pass this node by.
    private async Task StartAsync(RoomState state)
    {
        var held = false;
        try
        {
            await source.HoldAsync(state.Room, _stopping.Token);
            held = true;
            var newest = await store.GetLatestAsync(state.Room, 1, _stopping.Token);
            lock (state)
            {
                state.Last = newest.Count == 0 ? 0 : newest[0].Id;
                foreach (var id in state.Waiting.Keys.Where(id => id <= state.Last).ToArray())
                {
                    state.Waiting.Remove(id);
                }

                DrainWaiting(state);
                if (state.Waiting.Count > 0)
                {
                    ScheduleRepair(state, HoleWait);
                }
            }
        }
        catch
        {
            // The join fails with it (the store is down: 'unavailable'); the next join tries again.
            lock (_roomsGate)
            {
                _rooms.Remove(state.Room);
                if (held)
                {
                    source.Release(state.Room);
                }
            }

            throw;
        }
    }

    private void Deliver(RoomState state, ChatMessage entry)
    {
        state.Last = entry.Id;
        FireAndForget.Observe(local.SendLocalGroupAsync(state.Room, nameof(IChatClient.MessageReceived), [entry]), logger);
        feed.Publish(entry);
        metrics.Delivered();
    }

    private void DrainWaiting(RoomState state)
    {
        while (state.Waiting.Count > 0 && state.Waiting.Keys[0] <= state.Last + 1)
        {
            var next = state.Waiting.Values[0];
            state.Waiting.RemoveAt(0);
            if (next.Id == state.Last + 1)
            {
                Deliver(state, next);
            }
        }
    }

    private static void Wait(RoomState state, ChatMessage entry)
    {
        if (state.Waiting.Count < MaxWaiting)
        {
            state.Waiting.TryAdd(entry.Id, entry);
        }
    }

    // Called under the room's lock. One repair at a time per room; a later call while one is due does nothing.
    private void ScheduleRepair(RoomState state, TimeSpan delay)
    {
        if (state.RepairDue)
        {
            return;
        }

        state.RepairDue = true;
        _ = RepairAsync(state, delay);
    }

    private async Task RepairAsync(RoomState state, TimeSpan delay)
    {
        var attempt = 0;
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, time, _stopping.Token);
                long from;
                lock (state)
                {
                    // The hole may have filled meanwhile, and nothing waits after it: nothing to read.
                    if (state.Waiting.Count == 0 && attempt == 0 && delay == HoleWait)
                    {
                        state.RepairDue = false;
                        return;
                    }

                    from = state.Last!.Value;
                }

                var read = 0;
                while (true)
                {
                    var page = await store.GetAfterAsync(state.Room, from, RepairPage, _stopping.Token);
                    lock (state)
                    {
                        foreach (var entry in page)
                        {
                            if (entry.Id == state.Last + 1)
                            {
                                Deliver(state, entry);
                                read++;
                            }
                        }

                        DrainWaiting(state);
                        from = state.Last!.Value;
                        if (page.Count < RepairPage)
                        {
                            state.RepairDue = false;
                            // What waits now is past what the store had: a new hole, waited for afresh.
                            if (state.Waiting.Count > 0)
                            {
                                ScheduleRepair(state, HoleWait);
                            }

                            break;
                        }
                    }
                }

                if (read > 0)
                {
                    LogRepaired(logger, read, state.Room);
                }

                return;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The store is down too: keep what waits, try again.
                attempt++;
                delay = TimeSpan.FromMilliseconds(Math.Min(MaxRetryDelay.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(attempt, 5))));
                LogRepairFailed(logger, state.Room, ex);
            }
        }
    }

    // Rooms with no member here any more are let go; a later join holds them again from the store's newest id.
    private void Sweep()
    {
        lock (_roomsGate)
        {
            foreach (var (room, state) in _rooms.ToArray())
            {
                lock (state)
                {
                    if (state.Last is not null && !state.RepairDue && state.Waiting.Count == 0 && !presence.HasMembers(room) && !feed.HasSubscribers(room))
                    {
                        _rooms.Remove(room);
                        source.Release(room);
                    }
                }
            }
        }
    }

    [LoggerMessage(EventId = 53, Level = LogLevel.Information, Message = "Read {Count} entries of room '{Room}' from the store that had not arrived through the backplane.")]
    private static partial void LogRepaired(ILogger logger, int count, string room);

    [LoggerMessage(EventId = 54, Level = LogLevel.Warning, Message = "Could not read the missing entries of room '{Room}' from the store; trying again.")]
    private static partial void LogRepairFailed(ILogger logger, string room, Exception exception);

    private sealed class RoomState(string room)
    {
        public string Room { get; } = room;

        /// <summary>The last id handed to this node's members; null until the starting point is read.</summary>
        public long? Last { get; set; }

        public SortedList<long, ChatMessage> Waiting { get; } = [];

        public bool RepairDue { get; set; }

        public Task Started { get; set; } = Task.CompletedTask;
    }
}
