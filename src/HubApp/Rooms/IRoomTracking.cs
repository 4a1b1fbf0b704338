namespace HubApp.Rooms;

/// <summary>
/// The step of a join that makes this node follow a room's log before the joining connection reads history
/// (<see cref="RoomService.JoinAsync"/>): once it returns, every entry stored after the history read is delivered here
/// live, so the joiner has each entry in its history, live, or both, never neither. Alone, a node delivers each entry
/// from its own writer, in id order and at once, so there is nothing to start (<see cref="LocalRoomTracking"/>); a
/// backplane engine replaces it with its sequencer, which gives the room its starting point on this node.
/// </summary>
/// <remarks>
/// Called concurrently, for rooms the connection is already in the group of; a room is let go by the tracker itself once
/// nobody here is in it. Throws what the store throws (the join answers <c>unavailable</c>).
/// </remarks>
internal interface IRoomTracking
{
    Task TrackAsync(string room, CancellationToken cancellationToken);
}

/// <summary>A node alone: its writer delivers every entry itself, in id order, after the joiner is in the group.</summary>
internal sealed class LocalRoomTracking : IRoomTracking
{
    public Task TrackAsync(string room, CancellationToken cancellationToken) => Task.CompletedTask;
}
