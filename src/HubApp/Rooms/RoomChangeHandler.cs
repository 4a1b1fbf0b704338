namespace HubApp.Rooms;

/// <summary>What every node does with a <see cref="RoomChange"/>, whichever node made it.</summary>
/// <remarks>Called from the node's own callers and from a backplane's receiving loop; must not wait for slow clients.</remarks>
internal sealed class RoomChangeHandler(RoomStateCache cache, RoomService rooms)
{
    /// <summary>
    /// Changes may have been missed (the backplane was away): every room is read afresh, and whoever may no longer read a
    /// room held here is taken out of it, as the lost notices would have done.
    /// </summary>
    public Task ResyncAsync()
    {
        cache.InvalidateAll();
        return rooms.ReconcileHereAsync(CancellationToken.None);
    }

    public Task ApplyAsync(RoomChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        cache.Invalidate(change.Room);
        return change is { UserId: { } userId, Removal: { } removal } ? rooms.RemoveHereAsync(userId, removal) : Task.CompletedTask;
    }
}
