namespace HubApp.Rooms;

/// <summary>What every node does with a <see cref="RoomChange"/>, whichever node made it.</summary>
/// <remarks>Called from the node's own callers and from a backplane's receiving loop; must not wait for slow clients.</remarks>
internal sealed class RoomChangeHandler(RoomStateCache cache, RoomService rooms)
{
    public Task ApplyAsync(RoomChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        cache.Invalidate(change.Room);
        return change is { UserId: { } userId, Removal: { } removal } ? rooms.RemoveHereAsync(userId, removal) : Task.CompletedTask;
    }
}
