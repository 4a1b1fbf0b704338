using System.Text.Json;
using System.Text.Json.Serialization;
using HubApp.Messaging;
using HubApp.Rooms;
using StackExchange.Redis;

namespace HubApp.Backplane;

/// <summary>
/// Room changes between nodes on the Redis engine, on a channel of HubApp's own (<c>{Channel}:rooms</c>) beside SignalR's:
/// applied here at once, then published; every other node applies what it receives. After a lost subscription a node drops
/// every cached room (what was published meanwhile did not arrive).
/// </summary>
/// <remarks>A change that cannot be published reaches the other nodes when their copies expire (<see cref="RoomStateCache.MaxAge"/>).</remarks>
internal sealed partial class RedisRoomChangeBus(
    RedisConnection redis,
    NodeIdentity node,
    RoomChangeHandler handler,
    ILogger<RedisRoomChangeBus> logger) : IRoomChangeBus, IHostedService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("rooms");

    private ISubscriber? _subscriber;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var multiplexer = await redis.GetAsync().WaitAsync(cancellationToken);
        _subscriber = multiplexer.GetSubscriber();
        (await _subscriber.SubscribeAsync(Channel).WaitAsync(cancellationToken)).OnMessage(Receive);
        multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                FireAndForget.Observe(handler.ResyncAsync(), logger);
            }
        };
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task PublishAsync(RoomChange change, CancellationToken cancellationToken)
    {
        await handler.ApplyAsync(change);
        try
        {
            if (_subscriber is not null)
            {
                await _subscriber.PublishAsync(Channel, JsonSerializer.Serialize(new Envelope(node.Id, change), JsonSerializerOptions.Web)).WaitAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogPublishFailed(logger, change.Room, ex);
        }
    }

    private void Receive(ChannelMessage message)
    {
        try
        {
            if (JsonSerializer.Deserialize<Envelope>((string)message.Message!, JsonSerializerOptions.Web) is { } envelope && envelope.Origin != node.Id)
            {
                FireAndForget.Observe(handler.ApplyAsync(envelope.Change), logger);
            }
        }
        catch (JsonException ex)
        {
            LogUnreadable(logger, ex);
        }
    }

    [LoggerMessage(EventId = 62, Level = LogLevel.Warning, Message = "A change of room '{Room}' could not be published to Redis; the other nodes' copies expire by themselves.")]
    private static partial void LogPublishFailed(ILogger logger, string room, Exception exception);

    [LoggerMessage(EventId = 63, Level = LogLevel.Warning, Message = "An unreadable message on the room-change channel was ignored.")]
    private static partial void LogUnreadable(ILogger logger, Exception exception);

    private sealed record Envelope([property: JsonPropertyName("o")] string Origin, [property: JsonPropertyName("c")] RoomChange Change);
}
