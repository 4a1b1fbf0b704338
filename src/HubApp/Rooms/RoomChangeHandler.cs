using HubApp.Presence;
using HubApp.Storage;

namespace HubApp.Rooms;

/// <summary>What every node does with a <see cref="RoomChange"/>, whichever node made it.</summary>
/// <remarks>Called from the node's own callers and from a backplane's receiving loop; must not wait for slow clients.</remarks>
internal sealed partial class RoomChangeHandler(RoomStateCache cache, RoomService rooms, RoomLogFeed feed, IPresenceDirectory directory, ILogger<RoomChangeHandler> logger)
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

    /// <summary>
    /// Drops the cached room, then takes out of its group every connection here that the change removes, all before the
    /// returned task first waits: a caller that starts this before handing out the room's next entry (or event) has them
    /// out of the group by then, and the removed readers' event streams ended (<see cref="RoomLogFeed.Apply"/>).
    /// Presence, <c>UserLeft</c> and <c>RemovedFromRoom</c> follow asynchronously.
    /// </summary>
    public Task ApplyAsync(RoomChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        cache.Invalidate(change.Room);
        feed.Apply(change);
        return change.Removal is null ? Task.CompletedTask : rooms.RemoveHereAsync(change);
    }

    /// <summary>
    /// For the node that made the change: applied here first (<see cref="ApplyAsync"/>), sent to the other nodes by
    /// <paramref name="publish"/>, and a removal taken out of the shared presence directory wherever the removed connections
    /// are. Returns when all is done, so a snapshot or member list read after it leaves the removed users out.
    /// </summary>
    public async Task OriginateAsync(RoomChange change, Func<Task> publish)
    {
        ArgumentNullException.ThrowIfNull(publish);
        var applied = ApplyAsync(change);
        try
        {
            await publish();
            if (change.Removal is not null)
            {
                await directory.RemovedAsync(change.Room, change.UserId, change.OnlyReaders, CancellationToken.None);
            }
        }
        catch (StoreUnavailableException ex)
        {
            // Stored already, and the removed users' own nodes take them out of the directory as they apply the change.
            LogDirectoryUnavailable(logger, change.Room, ex);
        }
        finally
        {
            await applied;
        }
    }

    [LoggerMessage(EventId = 64, Level = LogLevel.Warning, Message = "The users removed from room '{Room}' could not be taken out of the shared presence now; their own nodes do it as they apply the change.")]
    private static partial void LogDirectoryUnavailable(ILogger logger, string room, Exception exception);
}
