using HubApp.Contracts;

namespace HubApp.Rooms;

/// <summary>
/// Tells every node, this one included, that a room's stored state changed: each drops its cached copy
/// (<see cref="RoomStateCache"/>) and, for a removal, takes the user's connections it holds out of the room
/// (<see cref="RoomChangeHandler"/>). Alone, a node applies the change at once (<see cref="LocalRoomChangeBus"/>); a backplane
/// engine carries it to the others as well.
/// </summary>
/// <remarks>
/// Called after the change is stored; returns once this node applied it and the other nodes were sent it. Every node takes
/// the connections that may no longer read the room out of its group before it delivers anything more there: applying a
/// change removes them before its first await (<see cref="RoomService.RemoveHereAsync"/>), and each engine hands a node its
/// changes on the path that also hands it the room's entries, in the order they were sent (PostgreSQL: the listener's one
/// loop; Redis: the room's channel, and a changes channel for the nodes that do not hold the room). A notice lost between
/// nodes (a backplane outage) leaves the other nodes' copies stale for at most <see cref="RoomStateCache.MaxAge"/>; a
/// removed connection there is taken out of the room when the backplane comes back
/// (<see cref="RoomChangeHandler.ResyncAsync"/>) or by the next <see cref="RoomReconciler"/> round.
/// </remarks>
internal interface IRoomChangeBus
{
    Task PublishAsync(RoomChange change, CancellationToken cancellationToken);
}

/// <summary>
/// A change to <see cref="Room"/>'s stored state. With <see cref="Removal"/>, connections are out of the room on every node
/// and told so: those of <see cref="UserId"/> (kicked, banned, left for good), or, with <see cref="OnlyReaders"/> (an open
/// room claimed as private), every one whose user is not listed there, admins' excepted.
/// </summary>
/// <remarks>Travels between nodes as JSON: a node that does not know a field reads the change without it.</remarks>
internal sealed record RoomChange(string Room, string? UserId = null, RoomRemoval? Removal = null, IReadOnlyList<string>? OnlyReaders = null);

/// <summary>A node alone: the change is applied here and now.</summary>
internal sealed class LocalRoomChangeBus(RoomChangeHandler handler) : IRoomChangeBus
{
    public Task PublishAsync(RoomChange change, CancellationToken cancellationToken) => handler.OriginateAsync(change, () => Task.CompletedTask);
}
