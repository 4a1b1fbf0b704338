using HubApp.Contracts;

namespace HubApp.Rooms;

/// <summary>
/// Tells every node, this one included, that a room's stored state changed: each drops its cached copy
/// (<see cref="RoomStateCache"/>) and, for a removal, takes the user's connections it holds out of the room
/// (<see cref="RoomChangeHandler"/>). Alone, a node applies the change at once (<see cref="LocalRoomChangeBus"/>); a backplane
/// engine carries it to the others as well.
/// </summary>
/// <remarks>
/// Called after the change is stored. A notice lost between nodes (a backplane outage) leaves the other nodes' copies
/// stale for at most <see cref="RoomStateCache.MaxAge"/>; a removed connection there is taken out of the room when the
/// backplane comes back (<see cref="RoomChangeHandler.ResyncAsync"/>) or by the next <see cref="RoomReconciler"/> round.
/// </remarks>
internal interface IRoomChangeBus
{
    Task PublishAsync(RoomChange change, CancellationToken cancellationToken);
}

/// <summary>
/// A change to <see cref="Room"/>'s stored state; with <see cref="UserId"/> and <see cref="Removal"/>, that user is out of
/// the room (kicked, banned, left for good) on every connection.
/// </summary>
internal sealed record RoomChange(string Room, string? UserId = null, RoomRemoval? Removal = null);

/// <summary>A node alone: the change is applied here and now.</summary>
internal sealed class LocalRoomChangeBus(RoomChangeHandler handler) : IRoomChangeBus
{
    public Task PublishAsync(RoomChange change, CancellationToken cancellationToken) => handler.ApplyAsync(change);
}
