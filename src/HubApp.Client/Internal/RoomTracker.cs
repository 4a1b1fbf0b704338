using HubApp.Contracts;

namespace HubApp.Client.Internal;

/// <summary>
/// Decides which of a room's messages reach the app, so that it sees each one once and in id order.
/// Messages come from three places: live events, the snapshot of a join, and catch-up pages after a
/// reconnect. While a join is in flight live ones are held, and released after it if newer than
/// what it returned. Ids are consecutive within a room (the contract's room log), so a live message
/// that skips one means the one between was lost on its way: the tracker holds it and asks for a
/// repair (<see cref="RepairNeeded"/>), a catch-up from <see cref="LastSeen"/> that its owner runs with
/// <see cref="BeginCatchUp"/>, whose pages bring the missing ones, then the held one, in order.
/// Not thread-safe: its owner calls it under a lock.
/// </summary>
internal sealed class RoomTracker
{
    private List<ChatMessage>? _held;
    private int _joinsInFlight;

    /// <summary>A join succeeded and the room was not left since.</summary>
    public bool Joined { get; private set; }

    /// <summary>The newest id delivered to the app (or returned to it in a snapshot); 0 for none.</summary>
    public long LastSeen { get; private set; }

    /// <summary>
    /// The last snapshot was not complete. Live messages are then dropped rather than held: they are in
    /// the server's history, so the next join with the last id returns them, in order and once.
    /// </summary>
    public bool CatchingUp { get; private set; }

    /// <summary>
    /// A message skipped an id and is held: the owner should start a catch-up (<see cref="BeginCatchUp"/>, then the pages
    /// from <see cref="LastSeen"/>) and clear this with <see cref="TakeRepair"/>.
    /// </summary>
    public bool RepairNeeded { get; private set; }

    /// <summary>Neither joined nor being joined: the tracker may be forgotten.</summary>
    public bool Idle => !Joined && _joinsInFlight == 0;

    public void BeginJoin() => _joinsInFlight++;

    /// <summary>
    /// Starts a rejoin after a reconnect. Until <see cref="EndCatchUp"/>, live messages are held and a
    /// failed rejoin drops them: releasing them would skip the pages not fetched yet.
    /// </summary>
    public void BeginCatchUp()
    {
        _joinsInFlight++;
        CatchingUp = true;
    }

    /// <summary>Returns the messages to deliver now for a live event: it, or nothing.</summary>
    public IReadOnlyList<ChatMessage> Live(ChatMessage message)
    {
        if (_joinsInFlight > 0 || RepairNeeded)
        {
            (_held ??= []).Add(message);
            return [];
        }

        if (!Joined || CatchingUp)
        {
            return [];
        }

        if (message.Id > LastSeen + 1)
        {
            (_held ??= []).Add(message);
            RepairNeeded = true;
            return [];
        }

        return Accept(message) ? [message] : [];
    }

    /// <summary>Returns whether a repair was asked for, and clears the request.</summary>
    public bool TakeRepair()
    {
        var needed = RepairNeeded;
        RepairNeeded = false;
        return needed;
    }

    /// <summary>Ends a join whose snapshot goes to the app; returns the held messages newer than it.</summary>
    public IReadOnlyList<ChatMessage> EndJoin(long? sinceId, RoomSnapshot snapshot)
    {
        Joined = true;
        var newest = snapshot.Messages.Count == 0 ? 0 : snapshot.Messages.Max(m => m.Id);
        LastSeen = Math.Max(LastSeen, Math.Max(sinceId ?? 0, newest));
        CatchingUp = !snapshot.Complete;
        return Release();
    }

    /// <summary>Takes one catch-up page of a rejoin (the join stays in flight); returns its messages the app has not seen.</summary>
    public IReadOnlyList<ChatMessage> CatchUp(RoomSnapshot page)
    {
        var fresh = new List<ChatMessage>();
        foreach (var message in page.Messages.OrderBy(m => m.Id))
        {
            if (Accept(message))
            {
                fresh.Add(message);
            }
        }

        _held?.RemoveAll(m => m.Id <= LastSeen);
        return fresh;
    }

    /// <summary>Ends a rejoin; returns the held messages newer than the catch-up.</summary>
    public IReadOnlyList<ChatMessage> EndCatchUp()
    {
        CatchingUp = false;
        return Release();
    }

    /// <summary>Ends a join or rejoin that failed; returns the held messages that can still be delivered in order.</summary>
    public IReadOnlyList<ChatMessage> FailJoin() => Release();

    public void Leave()
    {
        Joined = false;
        CatchingUp = false;
        RepairNeeded = false;
    }

    private List<ChatMessage> Release()
    {
        _joinsInFlight--;
        if (_joinsInFlight > 0 || _held is null)
        {
            return [];
        }

        var held = _held;
        _held = null;
        if (!Joined || CatchingUp)
        {
            return [];
        }

        held.Sort((a, b) => a.Id.CompareTo(b.Id));
        var released = new List<ChatMessage>();
        foreach (var message in held)
        {
            if (message.Id > LastSeen + 1)
            {
                // A gap among the held ones: keep the rest for the repair.
                _held = held[held.IndexOf(message)..];
                RepairNeeded = true;
                break;
            }

            if (Accept(message))
            {
                released.Add(message);
            }
        }

        return released;
    }

    private bool Accept(ChatMessage message)
    {
        if (message.Id <= LastSeen)
        {
            return false;
        }

        LastSeen = message.Id;
        return true;
    }
}
