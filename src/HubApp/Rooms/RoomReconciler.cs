using HubApp.Storage;

namespace HubApp.Rooms;

/// <summary>
/// Every <see cref="RoomStateCache.MaxAge"/>, takes out of the rooms held on this node the connections that may no longer
/// read them (<see cref="RoomService.ReconcileHereAsync"/>): a kick or ban whose notice was lost without the backplane
/// noticing an outage still ends the removed user's reading within two periods (one to refresh the room, one to act).
/// </summary>
internal sealed partial class RoomReconciler(RoomService rooms, TimeProvider time, ILogger<RoomReconciler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RoomStateCache.MaxAge, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await rooms.ReconcileHereAsync(stoppingToken);
                }
                catch (StoreUnavailableException ex)
                {
                    LogStoreUnavailable(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Rooms could not be reconciled with the store now; the next period tries again.")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception exception);
}
