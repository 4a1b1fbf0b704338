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
/// Room-log entries between nodes on Redis channels of HubApp's own, beside SignalR's: one sharded channel per room
/// (<c>{Channel}:room:{room}</c>, <c>SSUBSCRIBE</c>/<c>SPUBLISH</c>), which a node subscribes to only while it holds the
/// room (<see cref="IRoomLogSource"/>: it has members there or an event stream follows it), so a node hears nothing of
/// the rooms it does not hold, and on Redis Cluster each room's traffic stays on the shard its name hashes to. Redis
/// keeps the order of one publisher's messages but not across nodes, so every node puts them back in id order
/// (<see cref="RoomLogSequencer"/>). Redis is a fast hint and the store the truth: what a node misses (an outage, a
/// publish that failed) it reads from the store.
/// </summary>
/// <remarks>
/// <para>
/// Direct messages travel the same way on a sharded channel per user (<c>{Channel}:user:{userId}</c>,
/// <see cref="PublishDirect"/>), held while the node has a connection of the user (<see cref="HoldUserAsync"/>, through
/// the same per-channel steps as a room's): one node's messages to a user keep their order, which SignalR's per-user
/// channels lose on Redis Cluster. There is no repair from the store for them: one missed is caught up by the client's sync.
/// </para>
/// <para>
/// A room's channel carries its entries (with their payload), its presence events (<see cref="PublishPresenceAsync"/>),
/// its changes and its hints. Each room's subscription has a queue of its own, handled one message at a time in arrival
/// order: a node applies a change of the room before any entry or event published in it after the change, and delivers
/// presence events through its own groups, where a joiner's snapshot is waited for (<see cref="Presence.JoiningConnections"/>).
/// Subscribing, and letting go, are done one after the other per room, in the order the sequencer asks for them.
/// </para>
/// <para>
/// Room changes (<see cref="PublishChangeAsync"/>, <see cref="ChangeReceived"/>) also have an effect on nodes that do
/// not hold the room: the room's cached state (<see cref="Rooms.RoomStateCache"/>) and <c>RemovedFromRoom</c> to every
/// connection of a removed user. So each change is published twice, on the room's channel (for the order above) and on
/// one sharded channel every node subscribes to (<c>{Channel}:changes</c>; changes are rare), each with an id; a node
/// applies whichever copy comes first and drops the other (the last <see cref="RememberedChanges"/> ids are kept).
/// </para>
/// <para>
/// Recovery: when a subscription connection is back (StackExchange.Redis subscribes its channels again by itself), every
/// node repairs each room it holds from the store, at once and again <see cref="SecondRepair"/> later (the
/// subscriptions may come back a moment after the connection); a node whose publishes failed meanwhile then publishes a
/// hint on each such room's channel (its newest id), so that the nodes holding it read those entries too even if
/// nothing else is sent in the room. A room held while its subscription cannot be made (Redis is down) is held all the
/// same, and subscribed to again with a backoff; once that succeeds the room repairs from the store.
/// </para>
/// </remarks>
internal sealed partial class RedisRoomLog(
    RedisConnection redis,
    IServiceProvider services,
    ILocalConnections local,
    NodeIdentity node,
    ChatMetrics metrics,
    IOptions<JsonHubProtocolOptions> json,
    TimeProvider time,
    ILogger<RedisRoomLog> logger) : IHostedService, IRoomLogSource
{
    private static readonly TimeSpan SecondRepair = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxSubscribeRetryDelay = TimeSpan.FromSeconds(5);
    private const int MaxUnpublishedRooms = 10_000;
    private const int RememberedChanges = 1024;
    private static readonly RedisChannel ChangesChannel = RedisChannel.Sharded("changes");
    private static readonly JsonSerializerOptions EnvelopeOptions = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Encoder = WireJsonEncoder.Instance };

    private readonly JsonSerializerOptions _json = json.Value.PayloadSerializerOptions;
    private readonly Dictionary<string, long> _unpublished = new(StringComparer.Ordinal);
    // Keyed by channel name (room:…, user:…).
    private readonly Dictionary<string, HeldChannel> _held = new(StringComparer.Ordinal);
    private readonly HashSet<Guid> _seenChanges = [];
    private readonly Queue<Guid> _seenOrder = new();
    private volatile bool _stopping;
    private ISubscriber? _subscriber;
    private ChannelMessageQueue? _changes;
    private RoomLogSequencer? _sequencer;

    /// <summary>
    /// Another node's room change, raised on a receiving loop: the handler must have the removed connections out of
    /// their groups before it returns (what comes next on the room's channel is delivered right after), and wait for nothing.
    /// </summary>
    public event Action<RoomChange>? ChangeReceived;

    // Resolved at first use: the sequencer holds rooms through this (IRoomLogSource), so it cannot be built with it.
    private RoomLogSequencer Sequencer => _sequencer ??= services.GetRequiredService<RoomLogSequencer>();

    /// <summary>The channel of <paramref name="room"/>'s entries, events and changes.</summary>
    public static RedisChannel RoomChannel(string room) => RedisChannel.Sharded("room:" + room);

    /// <summary>The channel of <paramref name="userId"/>'s direct messages.</summary>
    public static RedisChannel UserChannel(string userId) => RedisChannel.Sharded("user:" + userId);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var multiplexer = await redis.GetAsync().WaitAsync(cancellationToken);
        _subscriber = multiplexer.GetSubscriber();
        _changes = await _subscriber.SubscribeAsync(ChangesChannel).WaitAsync(cancellationToken);
        _changes.OnMessage(Receive);
        redis.Restored += () => _ = RecoverAsync();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        ChannelMessageQueue[] queues;
        lock (_held)
        {
            queues = [.. _held.Values.Select(r => r.Queue).OfType<ChannelMessageQueue>()];
        }

        try
        {
            await Task.WhenAll([.. queues.Append(_changes).OfType<ChannelMessageQueue>().Select(q => q.UnsubscribeAsync())])
                .WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or OperationCanceledException)
        {
            // Redis is gone: nothing to unsubscribe from.
        }
    }

    /// <summary>
    /// Subscribes to the room's channel; returns once Redis confirmed it. While Redis cannot be reached the room is held
    /// without it (and subscribed to later, with a repair from the store), so that joins go on during an outage.
    /// </summary>
    public Task HoldAsync(string room, CancellationToken cancellationToken) => HoldAsync(RoomChannel(room), room, cancellationToken);

    /// <summary>Unsubscribes from the room's channel, after whatever was asked for the room before.</summary>
    public void Release(string room) => Release(RoomChannel(room));

    /// <summary>
    /// Subscribes to the user's channel of direct messages, as <see cref="HoldAsync(string, CancellationToken)"/> does a
    /// room's; asked once per connection of the user here, each returning once the subscription is there (or put off by an outage).
    /// </summary>
    public Task HoldUserAsync(string userId, CancellationToken cancellationToken) => HoldAsync(UserChannel(userId), null, cancellationToken);

    /// <summary>Unsubscribes from the user's channel, once its last connection here is gone.</summary>
    public void ReleaseUser(string userId) => Release(UserChannel(userId));

    private Task HoldAsync(RedisChannel channel, string? room, CancellationToken cancellationToken)
    {
        Task subscribed;
        lock (_held)
        {
            var key = channel.ToString();
            if (!_held.TryGetValue(key, out var held))
            {
                held = new HeldChannel(key, channel, room);
                _held[key] = held;
            }

            held.Wanted = true;
            subscribed = Then(held, () => SubscribeAsync(held, repair: false));
        }

        return subscribed.WaitAsync(cancellationToken);
    }

    private void Release(RedisChannel channel)
    {
        lock (_held)
        {
            if (!_held.TryGetValue(channel.ToString(), out var held))
            {
                return;
            }

            held.Wanted = false;
            var released = Then(held, () => UnsubscribeAsync(held));
            released.ContinueWith(
                (_, state) => ((RedisRoomLog)state!).Forget(held, released),
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    /// <summary>Publishes a committed batch's entries, on each room's channel; not awaited by the writer. A publish that fails is remembered for the hint.</summary>
    public void Publish(IReadOnlyList<ChatMessage> entries)
    {
        if (entries.Count == 0 || _subscriber is null)
        {
            return;
        }

        foreach (var room in entries.GroupBy(e => e.Room, StringComparer.Ordinal))
        {
            IReadOnlyList<ChatMessage> inRoom = [.. room];
            var payload = JsonSerializer.Serialize(new LogEnvelope(node.Id, [.. inRoom.Select(e => JsonSerializer.SerializeToElement(e, _json))], null), EnvelopeOptions);
            _subscriber.PublishAsync(RoomChannel(room.Key), payload).ContinueWith(
                (task, state) => ((RedisRoomLog)state!).PublishFailed(inRoom, task.Exception!),
                this,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    /// <summary>
    /// Publishes a committed direct message on its recipient's channel and its sender's (once for a note to self), each
    /// naming that user; not awaited by the writer. The sender's node has delivered it to its own connections of both already.
    /// One that cannot be published is missed by the other nodes until their clients sync (it is in the store).
    /// </summary>
    public void PublishDirect(DirectMessage message)
    {
        if (_subscriber is null)
        {
            return;
        }

        var payload = JsonSerializer.SerializeToElement(message, _json);
        PublishOnUserChannel(message.ToUserId, payload);
        if (!string.Equals(message.FromUserId, message.ToUserId, StringComparison.Ordinal))
        {
            PublishOnUserChannel(message.FromUserId, payload);
        }
    }

    private void PublishOnUserChannel(string userId, JsonElement message)
    {
        var payload = JsonSerializer.Serialize(new LogEnvelope(node.Id, null, null, Direct: message, User: userId), EnvelopeOptions);
        _subscriber!.PublishAsync(UserChannel(userId), payload).ContinueWith(
            task => LogDirectNotPublished(logger, userId, task.Exception!),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Publishes a presence event of a room (<c>UserJoined</c>, <c>UserLeft</c>) to the other nodes holding it, which deliver
    /// it to their members of the room as this node does (<see cref="ILocalConnections.SendLocalGroupExceptAsync"/>); one that
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
            await _subscriber.PublishAsync(RoomChannel(room), JsonSerializer.Serialize(new LogEnvelope(node.Id, null, null, Presence: payload), EnvelopeOptions));
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
            var payload = JsonSerializer.Serialize(new LogEnvelope(node.Id, null, null, JsonSerializer.SerializeToElement(change, JsonSerializerOptions.Web), ChangeId: Guid.NewGuid()), EnvelopeOptions);
            await Task.WhenAll(_subscriber.PublishAsync(RoomChannel(change.Room), payload), _subscriber.PublishAsync(ChangesChannel, payload)).WaitAsync(cancellationToken);
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
            Sequencer.RepairAll();
            Dictionary<string, long> hints;
            lock (_unpublished)
            {
                hints = new(_unpublished, StringComparer.Ordinal);
                _unpublished.Clear();
            }

            if (hints.Count > 0 && _subscriber is { } subscriber)
            {
                await Task.WhenAll(hints.Select(hint => subscriber.PublishAsync(
                    RoomChannel(hint.Key),
                    JsonSerializer.Serialize(new LogEnvelope(node.Id, null, new Dictionary<string, long> { [hint.Key] = hint.Value }), EnvelopeOptions))));
            }

            await Task.Delay(SecondRepair, time);
            Sequencer.RepairAll();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Lost again: the next restore recovers.
            LogRecoveryFailed(logger, ex);
        }
    }

    // Called under _held's lock: runs step after whatever was asked for the channel before, so that the subscription ends
    // up as the last call wanted, and the steps of one channel never overlap.
    private static Task Then(HeldChannel held, Func<Task> step)
    {
        var next = held.Steps.ContinueWith(_ => step(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        held.Steps = next;
        return next;
    }

    // A step of its channel (Then): it alone touches held.Queue. Never throws; a channel it cannot subscribe now is subscribed later.
    private async Task SubscribeAsync(HeldChannel held, bool repair)
    {
        if (!held.Wanted || held.Queue is not null || _stopping)
        {
            return;
        }

        var channel = held.Channel;
        if (_subscriber is { } subscriber && subscriber.IsConnected(channel))
        {
            try
            {
                var queue = await subscriber.SubscribeAsync(channel);
                queue.OnMessage(Receive);
                held.Queue = queue;
                held.Attempts = 0;
                if (repair && held.Room is not null)
                {
                    // Published while it was not subscribed: read from the store.
                    Sequencer.Hint(held.Room, long.MaxValue);
                }

                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                if (held.Room is null)
                {
                    LogUserSubscribeFailed(logger, held.Key, ex);
                }
                else
                {
                    LogSubscribeFailed(logger, held.Room, ex);
                }

                // The failed call left its queue registered, out of reach: every subscription of the channel goes with
                // it (the channel's steps never overlap, so there is no other).
                try
                {
                    await subscriber.UnsubscribeAsync(channel);
                }
                catch (Exception again) when (again is RedisException or TimeoutException)
                {
                    // Not subscribed on the server either.
                }
            }
        }

        _ = SubscribeLaterAsync(held);
    }

    private async Task SubscribeLaterAsync(HeldChannel held)
    {
        held.Attempts++;
        var delay = TimeSpan.FromMilliseconds(Math.Min(MaxSubscribeRetryDelay.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(held.Attempts, 5))));
        await Task.Delay(delay, time);
        lock (_held)
        {
            if (!_stopping && held.Wanted && _held.TryGetValue(held.Key, out var current) && current == held)
            {
                _ = Then(held, () => SubscribeAsync(held, repair: true));
            }
        }
    }

    // A step of its channel (Then).
    private static async Task UnsubscribeAsync(HeldChannel held)
    {
        if (held.Wanted || held.Queue is not { } queue)
        {
            return;
        }

        held.Queue = null;
        try
        {
            await queue.UnsubscribeAsync();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Taken off here already; Redis forgets it with the lost connection.
        }
    }

    // Once its last step ran, a channel let go and not held again is forgotten.
    private void Forget(HeldChannel held, Task last)
    {
        lock (_held)
        {
            if (!held.Wanted && held.Steps == last && _held.TryGetValue(held.Key, out var current) && current == held)
            {
                _held.Remove(held.Key);
            }
        }
    }

    // Each change comes twice (its room's channel and the changes channel): the first copy is applied.
    private bool FirstSeen(Guid change)
    {
        lock (_seenChanges)
        {
            if (!_seenChanges.Add(change))
            {
                return false;
            }

            _seenOrder.Enqueue(change);
            if (_seenOrder.Count > RememberedChanges)
            {
                _seenChanges.Remove(_seenOrder.Dequeue());
            }

            return true;
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
                    Sequencer.Offer(chat);
                }
            }

            foreach (var (room, lastId) in envelope.Hints ?? new Dictionary<string, long>())
            {
                Sequencer.Hint(room, lastId);
            }

            if (envelope.Change?.Deserialize<RoomChange>(JsonSerializerOptions.Web) is { } change && FirstSeen(envelope.ChangeId ?? Guid.NewGuid()))
            {
                ChangeReceived?.Invoke(change);
            }

            // Named by the channel it came on: a node holding both users of a message gets it once for each, on each user's.
            if (envelope.Direct?.Deserialize<DirectMessage>(_json) is { } direct && envelope.User is { } user)
            {
                FireAndForget.Observe(local.SendLocalUsersAsync([user], nameof(IChatClient.DirectMessageReceived), [direct]), logger);
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

    [LoggerMessage(EventId = 270, Level = LogLevel.Warning, Message = "Could not subscribe to the channel of room '{Room}'; trying again, and its members here read what they missed from the store.")]
    private static partial void LogSubscribeFailed(ILogger logger, string room, Exception exception);

    [LoggerMessage(EventId = 271, Level = LogLevel.Debug, Message = "A direct message could not be published on the channel of user '{User}'; that user's connections on other nodes get it by their next sync.")]
    private static partial void LogDirectNotPublished(ILogger logger, string user, Exception exception);

    [LoggerMessage(EventId = 272, Level = LogLevel.Warning, Message = "Could not subscribe to the direct-message channel '{Channel}'; trying again.")]
    private static partial void LogUserSubscribeFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(EventId = 59, Level = LogLevel.Warning, Message = "An unreadable message on a room-log channel was ignored.")]
    private static partial void LogUnreadable(ILogger logger, Exception exception);

    /// <summary>
    /// What travels on a room's channel: its entries of one committed batch, its newest id when its publish failed, a room
    /// change (with an id, as it travels on the changes channel too) or a presence event; on a user's channel, a direct
    /// message for that user's connections.
    /// </summary>
    private sealed record LogEnvelope(
        [property: JsonPropertyName("o")] string Origin,
        [property: JsonPropertyName("e")] IReadOnlyList<JsonElement>? Entries,
        [property: JsonPropertyName("h")] IReadOnlyDictionary<string, long>? Hints,
        [property: JsonPropertyName("c")] JsonElement? Change = null,
        [property: JsonPropertyName("p")] PresenceSend? Presence = null,
        [property: JsonPropertyName("i")] Guid? ChangeId = null,
        [property: JsonPropertyName("d")] JsonElement? Direct = null,
        [property: JsonPropertyName("u")] string? User = null);

    /// <summary>
    /// A room or user channel this node holds, or did and is letting go: its subscription (<see cref="Queue"/>, null while
    /// there is none) is changed only by its steps, one after the other (<see cref="Steps"/>, chained under the lock of the
    /// held channels).
    /// </summary>
    private sealed class HeldChannel(string key, RedisChannel channel, string? room)
    {
        public string Key { get; } = key;

        public RedisChannel Channel { get; } = channel;

        /// <summary>The room, whose entries are read from the store when its subscription comes late; null for a user's channel.</summary>
        public string? Room { get; } = room;

        /// <summary>Whether the room or user is held here: what the next step makes the subscription agree with. Under the lock.</summary>
        public bool Wanted { get; set; }

        /// <summary>The last step asked for. Under the lock.</summary>
        public Task Steps { get; set; } = Task.CompletedTask;

        public ChannelMessageQueue? Queue { get; set; }

        /// <summary>Failed subscribe attempts in a row, for the backoff.</summary>
        public int Attempts { get; set; }
    }

    /// <summary>A presence event for a room's members on every node but those excluded.</summary>
    private sealed record PresenceSend(
        [property: JsonPropertyName("r")] string Room,
        [property: JsonPropertyName("m")] string Method,
        [property: JsonPropertyName("a")] JsonElement Event,
        [property: JsonPropertyName("x")] IReadOnlyList<string>? Excluded);
}
