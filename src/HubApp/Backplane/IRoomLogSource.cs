namespace HubApp.Backplane;

/// <summary>
/// The engine's side of holding a room (<see cref="RoomLogSequencer"/>): so that a node hears a room's entries, and its
/// presence events, only while it has members of the room, the sequencer tells the engine when it starts and stops
/// holding one. An engine whose bus reaches every node with every room registers <see cref="EveryRoomLogSource"/>.
/// </summary>
/// <remarks>
/// The calls for one room come in the order the sequencer makes them (hold, release, hold, …), possibly from different
/// threads; the engine applies them in that order.
/// </remarks>
internal interface IRoomLogSource
{
    /// <summary>
    /// Starts hearing <paramref name="room"/>; returns once whatever is published in it from now on reaches this node,
    /// because the sequencer reads the room's starting point from the store right after, and must miss nothing between.
    /// </summary>
    Task HoldAsync(string room, CancellationToken cancellationToken);

    /// <summary>No member of <paramref name="room"/> is here any more: what is published in it need not reach this node.</summary>
    void Release(string room);
}

/// <summary>An engine that hears every room's entries on every node: nothing to start or stop.</summary>
internal sealed class EveryRoomLogSource : IRoomLogSource
{
    public Task HoldAsync(string room, CancellationToken cancellationToken) => Task.CompletedTask;

    public void Release(string room)
    {
    }
}
