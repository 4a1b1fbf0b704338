using HubApp.Rooms;
using HubApp.Sending;
using StackExchange.Redis;

namespace HubApp.Backplane.Redis;

/// <summary>
/// Room changes between nodes on the Redis engine, on the room's channel (<see cref="RedisRoomLog"/>), so that each node
/// holding the room receives its changes and entries in the order they were sent, and on the changes channel every node
/// hears: applied here at once, then published; every other node applies the first copy it receives. After a lost subscription a node drops every cached room (what was published meanwhile
/// did not arrive).
/// </summary>
/// <remarks>A change that cannot be published reaches the other nodes when their copies expire (<see cref="RoomStateCache.MaxAge"/>).</remarks>
internal sealed partial class RedisRoomChangeBus(
    RedisConnection redis,
    RedisRoomLog log,
    RoomChangeHandler handler,
    ILogger<RedisRoomChangeBus> logger) : IRoomChangeBus, IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // ApplyAsync has the removed connections out of their groups before it returns its task: before the log's loop
        // hands out what follows the change.
        log.ChangeReceived += change => FireAndForget.Observe(handler.ApplyAsync(change), logger);
        redis.Restored += () => FireAndForget.Observe(handler.ResyncAsync(), logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task PublishAsync(RoomChange change, CancellationToken cancellationToken) => handler.OriginateAsync(change, async () =>
    {
        try
        {
            await log.PublishChangeAsync(change, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogPublishFailed(logger, change.Room, ex);
        }
    });

    [LoggerMessage(EventId = 62, Level = LogLevel.Warning, Message = "A change of room '{Room}' could not be published to Redis; the other nodes' copies expire by themselves.")]
    private static partial void LogPublishFailed(ILogger logger, string room, Exception exception);
}
