using System.Text.Json;
using System.Text.Json.Serialization;
using HubApp.Contracts;
using HubApp.Hubs;
using HubApp.Json;
using HubApp.Rooms;
using HubApp.Sending;
using HubApp.Telemetry;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HubApp.Backplane.Redis;

/// <summary>
/// Room-log entries between nodes on a Redis channel of HubApp's own (<c>{Channel}:log</c>), beside SignalR's: Redis
/// keeps the order of one publisher's messages but not across nodes, so every node puts them back in id order
/// (<see cref="RoomLogSequencer"/>). Redis is a fast hint and the store the truth: what a node misses (an outage, a
/// publish that failed) it reads from the store.
/// </summary>
/// <remarks>
/// Recovery: when the subscription is back, every node repairs each room it holds from the store, at once and again
/// <see cref="SecondRepair"/> later (the subscription may come back a moment after the connection); a node whose
/// publishes failed meanwhile then publishes a hint per room (its newest id), so that the others read those entries
/// too even if nothing else is sent in the room. Received messages are handled one at a time, in arrival order.
/// Room changes travel on this channel too (<see cref="PublishChangeAsync"/>, <see cref="ChangeReceived"/>): Redis keeps the
/// order of one channel, so a node applies a change before it receives any entry sent after the change was published.
/// So do presence events (<see cref="PublishPresenceAsync"/>): every node delivers them through its own groups, where a
/// joiner's snapshot is waited for (<see cref="Presence.JoiningConnections"/>), and after the changes sent before them.
/// </remarks>
internal sealed partial class RedisRoomLog(
    RedisConnection redis,
    RoomLogSequencer sequencer,
    ILocalConnections local,
    NodeIdentity node,
    ChatMetrics metrics,
    IOptions<JsonHubProtocolOptions> json,
    TimeProvider time,
    ILogger<RedisRoomLog> logger) : IHostedService
{
    private static readonly TimeSpan SecondRepair = TimeSpan.FromSeconds(2);
    private const int MaxUnpublishedRooms = 10_000;
    private static readonly RedisChannel Channel = RedisChannel.Literal("log");
    private static readonly JsonSerializerOptions EnvelopeOptions = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Encoder = WireJsonEncoder.Instance };

    private readonly JsonSerializerOptions _json = json.Value.PayloadSerializerOptions;
    private readonly Dictionary<string, long> _unpublished = new(StringComparer.Ordinal);
    private ISubscriber? _subscriber;
    private ChannelMessageQueue? _queue;

    /// <summary>
    /// Another node's room change, raised on the receiving loop: the handler must have the removed connections out of
    /// their groups before it returns (what comes next on the channel is delivered right after), and wait for nothing.
    /// </summary>
    public event Action<RoomChange>? ChangeReceived;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var multiplexer = await redis.GetAsync().WaitAsync(cancellationToken);
        _subscriber = multiplexer.GetSubscriber();
        _queue = await _subscriber.SubscribeAsync(Channel).WaitAsync(cancellationToken);
        _queue.OnMessage(Receive);
        redis.Restored += () => _ = RecoverAsync();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_queue is not null)
        {
            try
            {
                await _queue.UnsubscribeAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException)
            {
                // Redis is gone: nothing to unsubscribe from.
            }
        }
    }

    /// <summary>Publishes a committed batch's entries; not awaited by the writer. A publish that fails is remembered for the hint.</summary>
    public void Publish(IReadOnlyList<ChatMessage> entries)
    {
        if (entries.Count == 0 || _subscriber is null)
        {
            return;
        }

        var payload = JsonSerializer.Serialize(new LogEnvelope(node.Id, [.. entries.Select(e => JsonSerializer.SerializeToElement(e, _json))], null), EnvelopeOptions);
        _subscriber.PublishAsync(Channel, payload).ContinueWith(
            (task, state) => ((RedisRoomLog)state!).PublishFailed(entries, task.Exception!),
            this,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Publishes a presence event of a room (<c>UserJoined</c>, <c>UserLeft</c>) to the other nodes, which deliver it to their
    /// members of the room as this node does (<see cref="ILocalConnections.SendLocalGroupExceptAsync"/>); one that
    /// cannot be published is missed there, as SignalR's own would be.
    /// </summary>
    public async Task PublishPresenceAsync(string room, string method, PresenceEvent presence, IReadOnlyList<string> excluded)
    {
        if (_subscriber is null)
        {
            return;
        }

        try
        {
            var payload = new PresenceSend(room, method, JsonSerializer.SerializeToElement(presence, _json), excluded.Count == 0 ? null : excluded);
            await _subscriber.PublishAsync(Channel, JsonSerializer.Serialize(new LogEnvelope(node.Id, null, null, Presence: payload), EnvelopeOptions));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogPresenceNotPublished(logger, room, ex);
        }
    }

    /// <summary>Publishes a room change to the other nodes, after this node applied it; throws what Redis throws.</summary>
    public async Task PublishChangeAsync(RoomChange change, CancellationToken cancellationToken)
    {
        if (_subscriber is not null)
        {
            var payload = JsonSerializer.Serialize(new LogEnvelope(node.Id, null, null, JsonSerializer.SerializeToElement(change, JsonSerializerOptions.Web)), EnvelopeOptions);
            await _subscriber.PublishAsync(Channel, payload).WaitAsync(cancellationToken);
        }
    }

    private void PublishFailed(IReadOnlyList<ChatMessage> entries, Exception exception)
    {
        lock (_unpublished)
        {
            foreach (var entry in entries)
            {
                if (_unpublished.Count < MaxUnpublishedRooms || _unpublished.ContainsKey(entry.Room))
                {
                    _unpublished[entry.Room] = Math.Max(entry.Id, _unpublished.GetValueOrDefault(entry.Room));
                }
            }
        }

        LogPublishFailed(logger, entries.Count, exception);
    }

    private async Task RecoverAsync()
    {
        try
        {
            sequencer.RepairAll();
            Dictionary<string, long> hints;
            lock (_unpublished)
            {
                hints = new(_unpublished, StringComparer.Ordinal);
                _unpublished.Clear();
            }

            if (hints.Count > 0 && _subscriber is not null)
            {
                await _subscriber.PublishAsync(Channel, JsonSerializer.Serialize(new LogEnvelope(node.Id, null, hints), EnvelopeOptions));
            }

            await Task.Delay(SecondRepair, time);
            sequencer.RepairAll();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Lost again: the next restore recovers.
            LogRecoveryFailed(logger, ex);
        }
    }

    private void Receive(ChannelMessage message)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize<LogEnvelope>((string)message.Message!, EnvelopeOptions);
            if (envelope is null || envelope.Origin == node.Id)
            {
                return;
            }

            foreach (var entry in envelope.Entries ?? [])
            {
                if (entry.Deserialize<ChatMessage>(_json) is { } chat)
                {
                    // From the batch's timestamp, taken just before its commit, by the two nodes' clocks.
                    metrics.BackplaneLag(time.GetUtcNow().UtcDateTime - chat.SentAt);
                    sequencer.Offer(chat);
                }
            }

            foreach (var (room, lastId) in envelope.Hints ?? new Dictionary<string, long>())
            {
                sequencer.Hint(room, lastId);
            }

            if (envelope.Change?.Deserialize<RoomChange>(JsonSerializerOptions.Web) is { } change)
            {
                ChangeReceived?.Invoke(change);
            }

            if (envelope.Presence is { } presence && presence.Event.Deserialize<PresenceEvent>(_json) is { } argument)
            {
                FireAndForget.Observe(local.SendLocalGroupExceptAsync(presence.Room, presence.Method, [argument], presence.Excluded ?? []), logger);
            }
        }
        catch (JsonException ex)
        {
            LogUnreadable(logger, ex);
        }
    }

    [LoggerMessage(EventId = 57, Level = LogLevel.Debug, Message = "{Count} room-log entries could not be published to Redis; the other nodes read them from the store once it is back.")]
    private static partial void LogPublishFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 58, Level = LogLevel.Warning, Message = "Catching up after a Redis outage failed; the next reconnect tries again.")]
    private static partial void LogRecoveryFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 65, Level = LogLevel.Debug, Message = "A presence event of room '{Room}' could not be published to Redis; the other nodes' members of the room miss it.")]
    private static partial void LogPresenceNotPublished(ILogger logger, string room, Exception exception);

    [LoggerMessage(EventId = 59, Level = LogLevel.Warning, Message = "An unreadable message on the room-log channel was ignored.")]
    private static partial void LogUnreadable(ILogger logger, Exception exception);

    /// <summary>What travels on the channel: entries of one committed batch, the newest ids of rooms whose publish failed, or a room change.</summary>
    private sealed record LogEnvelope(
        [property: JsonPropertyName("o")] string Origin,
        [property: JsonPropertyName("e")] IReadOnlyList<JsonElement>? Entries,
        [property: JsonPropertyName("h")] IReadOnlyDictionary<string, long>? Hints,
        [property: JsonPropertyName("c")] JsonElement? Change = null,
        [property: JsonPropertyName("p")] PresenceSend? Presence = null);

    /// <summary>A presence event for a room's members on every node but those excluded.</summary>
    private sealed record PresenceSend(
        [property: JsonPropertyName("r")] string Room,
        [property: JsonPropertyName("m")] string Method,
        [property: JsonPropertyName("a")] JsonElement Event,
        [property: JsonPropertyName("x")] IReadOnlyList<string>? Excluded);
}
