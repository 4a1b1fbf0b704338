using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HubApp.Backplane.Postgres;

/// <summary>
/// Which PostgreSQL channel carries what, and which of them this node listens to, so that a node hears only what its
/// connections need. Rooms hash into <see cref="Buckets"/> channels (<c>{Channel}_r{bucket}</c>), users likewise
/// (<c>{Channel}_u{bucket}</c>); each node has a channel of its own (<c>{Channel}_n{hash of its id}</c>) for sends to
/// its connections; sends to everyone and room changes stay on <c>{Channel}</c>. A room's bucket is listened to while
/// the <see cref="RoomLogSequencer"/> holds a room of it (<see cref="IRoomLogSource"/>), a user's while a connection of
/// a user of it is open here.
/// </summary>
/// <remarks>
/// LISTEN and UNLISTEN must run on the listening connection, which spends its time in <c>WaitAsync</c>: a hold queues
/// its LISTEN here and wakes the listener with a notification to its own node channel (<see cref="WakePayload"/>); the
/// listener runs what is queued (<see cref="ApplyAsync"/>) before each wait, and after a reconnect listens to every
/// channel held (<see cref="ListenAllAsync"/>). An UNLISTEN wakes nobody: until the next wait it costs only a few
/// notifications. Called concurrently; the calls for one channel are applied in the order they were made.
/// </remarks>
internal sealed partial class PostgresChannels : IRoomLogSource
{
    /// <summary>Buckets of rooms, and of users: more mean fewer rooms heard that are not held, and more channels listened to.</summary>
    public const int Buckets = 256;

    /// <summary>The longest <see cref="BackplaneOptions.Channel"/>, in UTF-8 bytes: PostgreSQL takes 63, and a node channel adds 18.</summary>
    public const int MaxPrefixBytes = 63 - 18;

    /// <summary>What wakes the listener; not an envelope (those are JSON or a <c>#id</c> reference).</summary>
    public const string WakePayload = "\u0001wake";

    private readonly string _prefix;
    private readonly string[] _roomChannels;
    private readonly string[] _userChannels;
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Subscription> _held = new(StringComparer.Ordinal);
    // A LISTEN carries the subscription it is for; null for an UNLISTEN.
    private readonly Queue<(string Channel, Subscription? Listen)> _pending = new();
    private int _wakeDue;
    private volatile string? _nodeChannel;

    public PostgresChannels(NpgsqlDataSource dataSource, IOptions<BackplaneOptions> options, ILogger<PostgresChannels> logger)
    {
        _dataSource = dataSource;
        _logger = logger;
        _prefix = options.Value.Channel;
        _roomChannels = [.. Enumerable.Range(0, Buckets).Select(b => $"{_prefix}_r{b}")];
        _userChannels = [.. Enumerable.Range(0, Buckets).Select(b => $"{_prefix}_u{b}")];
    }

    /// <summary>Sends to every node: to all connections, and room changes.</summary>
    public string Everyone => _prefix;

    public string Room(string room) => _roomChannels[Bucket(room)];

    public string User(string userId) => _userChannels[Bucket(userId)];

    /// <summary>
    /// The channel of the node whose id is the SQL expression <paramref name="nodeId"/>, with the prefix as the SQL
    /// expression <paramref name="prefix"/>: in SQL, so that a sender can address the nodes that hold some connections
    /// straight from the presence table (<c>connections.node_id</c>), and the listener names its own the same way.
    /// </summary>
    public static string NodeChannelSql(string prefix, string nodeId) => $"{prefix} || '_n' || left(md5({nodeId}), 16)";

    /// <summary>A stable hash (FNV-1a of the UTF-8 name, the same on every node and run), taken modulo <see cref="Buckets"/>.</summary>
    public static int Bucket(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var max = Encoding.UTF8.GetMaxByteCount(name.Length);
        Span<byte> bytes = max <= 512 ? stackalloc byte[max] : new byte[max];
        var hash = 2166136261u;
        foreach (var b in bytes[..Encoding.UTF8.GetBytes(name, bytes)])
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % Buckets);
    }

    public Task HoldAsync(string room, CancellationToken cancellationToken) => HoldChannelAsync(Room(room), cancellationToken);

    public void Release(string room) => ReleaseChannel(Room(room));

    /// <summary>A connection of <paramref name="userId"/> opened here: returns once what is sent to the user reaches this node.</summary>
    public Task HoldUserAsync(string userId, CancellationToken cancellationToken) => HoldChannelAsync(User(userId), cancellationToken);

    public void ReleaseUser(string userId) => ReleaseChannel(User(userId));

    private async Task HoldChannelAsync(string channel, CancellationToken cancellationToken)
    {
        Task listened;
        lock (_gate)
        {
            if (!_held.TryGetValue(channel, out var subscription))
            {
                subscription = new Subscription();
                _held[channel] = subscription;
                _pending.Enqueue((channel, subscription));
            }

            subscription.Count++;
            listened = subscription.Listened.Task;
        }

        if (!listened.IsCompleted)
        {
            await WakeAsync(cancellationToken);
        }

        await listened.WaitAsync(cancellationToken);
    }

    private void ReleaseChannel(string channel)
    {
        lock (_gate)
        {
            if (_held.TryGetValue(channel, out var subscription) && --subscription.Count == 0)
            {
                _held.Remove(channel);
                _pending.Enqueue((channel, null));
                // Whoever still waits for it no longer needs it.
                subscription.Listened.TrySetResult();
            }
        }
    }

    // One wake at a time: the listener clears the flag before it takes the queue, so a hold queued after that wakes it again.
    private async Task WakeAsync(CancellationToken cancellationToken)
    {
        if (_nodeChannel is not { } nodeChannel || Interlocked.Exchange(ref _wakeDue, 1) != 0)
        {
            // Not listening yet (the connect listens to everything held), or a wake is on its way.
            return;
        }

        try
        {
            await using var command = _dataSource.CreateCommand("SELECT pg_notify($1, $2);");
            command.Parameters.Add(new NpgsqlParameter { Value = nodeChannel });
            command.Parameters.Add(new NpgsqlParameter { Value = WakePayload });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
        {
            // The listener then runs the queue after its next wait (a ping interval), or after it reconnects.
            Volatile.Write(ref _wakeDue, 0);
            LogWakeFailed(_logger, ex);
        }
    }

    /// <summary>
    /// On the listening connection, just (re)connected: listens to the shared channel, this node's own and every channel
    /// held, and tells every hold waiting that it is heard.
    /// </summary>
    public async Task ListenAllAsync(NpgsqlConnection connection, string nodeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using (var name = new NpgsqlCommand($"SELECT {NodeChannelSql("$1", "$2")};", connection))
        {
            name.Parameters.Add(new NpgsqlParameter { Value = _prefix });
            name.Parameters.Add(new NpgsqlParameter { Value = nodeId });
            _nodeChannel = (string)(await name.ExecuteScalarAsync(cancellationToken))!;
        }

        KeyValuePair<string, Subscription>[] held;
        lock (_gate)
        {
            Volatile.Write(ref _wakeDue, 0);
            _pending.Clear();
            held = [.. _held];
        }

        var sql = new StringBuilder();
        foreach (var channel in held.Select(h => h.Key).Prepend(_nodeChannel).Prepend(_prefix))
        {
            sql.Append(Statement(channel, listen: true));
        }

        await using (var listen = new NpgsqlCommand(sql.ToString(), connection))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var (_, subscription) in held)
        {
            subscription.Listened.TrySetResult();
        }
    }

    /// <summary>On the listening connection, between waits: runs the queued LISTENs and UNLISTENs, until none is left.</summary>
    public async Task ApplyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        while (true)
        {
            (string Channel, Subscription? Listen)[] changes;
            lock (_gate)
            {
                Volatile.Write(ref _wakeDue, 0);
                if (_pending.Count == 0)
                {
                    return;
                }

                changes = [.. _pending];
                _pending.Clear();
            }

            // One query is one transaction: an UNLISTEN and a LISTEN of one channel in it leave no moment unheard.
            await using (var command = new NpgsqlCommand(string.Concat(changes.Select(c => Statement(c.Channel, c.Listen is not null))), connection))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var (_, subscription) in changes)
            {
                subscription?.Listened.TrySetResult();
            }
        }
    }

    private static string Statement(string channel, bool listen) =>
        $"{(listen ? "LISTEN" : "UNLISTEN")} \"{channel.Replace("\"", "\"\"", StringComparison.Ordinal)}\";";

    [LoggerMessage(EventId = 285, Level = LogLevel.Warning, Message = "Could not wake the backplane's listener to listen to a new channel; it does so after its next wait.")]
    private static partial void LogWakeFailed(ILogger logger, Exception exception);

    private sealed class Subscription
    {
        public int Count { get; set; }

        public TaskCompletionSource Listened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
