using HubApp.Contracts;
using HubApp.Hubs;
using HubApp.Presence;
using HubApp.Sending;
using HubApp.Storage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HubApp.Backplane;

/// <summary>
/// Presence shared by every node in PostgreSQL: a row per open connection (<c>connections</c>) and per
/// joined room (<c>presence</c>), each with the node that holds it, and a heartbeat row per node
/// (<c>nodes</c>). "Became present" and "no longer present" are decided under a transaction-scoped advisory
/// lock on (room, user), so two nodes changing one user's presence at once announce it exactly once.
/// </summary>
/// <remarks>
/// Every node beats every <see cref="BackplaneOptions.HeartbeatInterval"/> and then reaps: the node rows
/// older than <see cref="BackplaneOptions.NodeTimeout"/> are deleted (by exactly one node, the one whose
/// DELETE returns them), with every row of a node no longer listed, and <c>UserLeft</c> is sent for each
/// user that this leaves absent. A node that stops cleanly removes its own rows the same way.
/// </remarks>
internal sealed partial class PostgresPresenceDirectory(
    NpgsqlDataSource dataSource,
    NodeIdentity node,
    IHubContext<ChatHub, IChatClient> hub,
    IOptions<BackplaneOptions> options,
    TimeProvider time,
    ILogger<PostgresPresenceDirectory> logger) : BackgroundService, IPresenceDirectory
{
    // 2: presence.reads_all (an admin's connection: a room claimed as private keeps it).
    private const int SchemaVersion = 2;

    private readonly BackplaneOptions _options = options.Value;

    private string NodeId => node.Id;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await PostgresMessageStore.RunSchemaAsync(dataSource, """
            CREATE TABLE IF NOT EXISTS nodes (node_id text PRIMARY KEY, started_at timestamptz NOT NULL DEFAULT now(), heartbeat_at timestamptz NOT NULL);
            CREATE TABLE IF NOT EXISTS connections (
                connection_id text PRIMARY KEY, node_id text NOT NULL, user_id text NOT NULL, user_name text NOT NULL);
            CREATE INDEX IF NOT EXISTS connections_node ON connections (node_id);
            CREATE INDEX IF NOT EXISTS connections_user ON connections (user_id);
            CREATE TABLE IF NOT EXISTS presence (
                connection_id text NOT NULL, room text NOT NULL, node_id text NOT NULL, user_id text NOT NULL, user_name text NOT NULL,
                PRIMARY KEY (connection_id, room));
            CREATE INDEX IF NOT EXISTS presence_room_user ON presence (room, user_id);
            CREATE INDEX IF NOT EXISTS presence_node ON presence (node_id);
            ALTER TABLE presence ADD COLUMN IF NOT EXISTS reads_all boolean NOT NULL DEFAULT false;
            """, "presence", SchemaVersion, cancellationToken);
        await BeatAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            // Goodbye: whatever connections are still listed here leave now rather than at the timeout.
            await RemoveAsync("node_id = @node", "DELETE FROM nodes WHERE node_id = @node;", cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or OperationCanceledException)
        {
            LogGoodbyeFailed(logger, ex);
        }
    }

    // Counted under a lock on the user, so two nodes taking the user's last allowed connection at once admit one.
    // A crashed node's connections count until it is reaped (Backplane:NodeTimeout).
    public Task<bool> ConnectedAsync(string connectionId, Member member, int maxPerUser, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, "\u0001connections", member.UserId, cancellationToken);
        await using (var count = new NpgsqlCommand("SELECT count(*) FROM connections WHERE user_id = $1 AND connection_id <> $2;", connection))
        {
            AddParameters(count, member.UserId, connectionId);
            if ((long)(await count.ExecuteScalarAsync(cancellationToken))! >= maxPerUser)
            {
                return false;
            }
        }

        await using (var insert = new NpgsqlCommand(
            "INSERT INTO connections (connection_id, node_id, user_id, user_name) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING;", connection))
        {
            AddParameters(insert, connectionId, NodeId, member.UserId, member.UserName);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    });

    public Task<bool> JoinedAsync(ChatCaller caller, string room, bool firstHere, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, room, caller.UserId, cancellationToken);
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO presence (connection_id, room, node_id, user_id, user_name, reads_all) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING;", connection))
        {
            AddParameters(insert, caller.ConnectionId, room, NodeId, caller.UserId, caller.UserName);
            insert.Parameters.Add(new NpgsqlParameter { Value = caller.IsAdmin });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        var count = await CountAsync(connection, room, caller.UserId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return count == 1;
    });

    public Task<bool> LeftAsync(string connectionId, Member member, string room, bool lastHere, CancellationToken cancellationToken) => Guard(async () =>
    {
        var gone = await RemoveAsync("connection_id = @connection AND room = @room", null, cancellationToken, connectionId, room);
        return gone.Count > 0;
    });

    public Task RemovedAsync(string room, string? userId, IReadOnlyList<string>? onlyReaders, CancellationToken cancellationToken) => Guard(async () =>
    {
        var where = onlyReaders is null ? "room = @room AND user_id = @user" : "room = @room AND NOT reads_all AND user_id <> ALL(@readers)";
        return await RemoveAsync(where, null, cancellationToken, room: room, userId: userId, readers: onlyReaders);
    });

    public Task<IReadOnlyList<string>> DisconnectedAsync(string connectionId, Member member, IReadOnlyList<string> goneHere, CancellationToken cancellationToken) => Guard(async () =>
    {
        var gone = await RemoveAsync("connection_id = @connection", null, cancellationToken, connectionId);
        return (IReadOnlyList<string>)[.. gone.Select(g => g.Room)];
    });

    // A crashed node's connections are listed until it is reaped; a send to them reaches no one.
    public Task<IReadOnlyList<string>> ConnectionsOfAsync(string userId, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var command = dataSource.CreateCommand("SELECT connection_id FROM connections WHERE user_id = $1;");
        AddParameters(command, userId);
        var connections = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            connections.Add(reader.GetString(0));
        }

        return (IReadOnlyList<string>)connections;
    });

    public Task<IReadOnlyList<Member>> MembersAsync(string room, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var command = dataSource.CreateCommand("SELECT DISTINCT ON (user_id) user_id, user_name FROM presence WHERE room = $1 ORDER BY user_id;");
        AddParameters(command, room);
        var members = new List<Member>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            members.Add(new Member(reader.GetString(0), reader.GetString(1)));
        }

        return (IReadOnlyList<Member>)members;
    });

    public Task<PresenceCounts> CountsAsync(CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT count(*), count(DISTINCT user_id) FROM connections"),
                new NpgsqlBatchCommand("SELECT room, count(DISTINCT user_id) FROM presence GROUP BY room"),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (connections, users) = ((int)reader.GetInt64(0), (int)reader.GetInt64(1));
        await reader.NextResultAsync(cancellationToken);
        var rooms = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            rooms[reader.GetString(0)] = (int)reader.GetInt64(1);
        }

        return new PresenceCounts(connections, users, rooms);
    });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await BeatAsync(stoppingToken);
                    await RemoveAsync(
                        "node_id NOT IN (SELECT node_id FROM nodes)",
                        "DELETE FROM nodes WHERE heartbeat_at < now() - @timeout;",
                        stoppingToken);
                }
                catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
                {
                    // The backplane logs the outage; the next beat tries again.
                    LogBeatFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO nodes (node_id, heartbeat_at) VALUES ($1, now()) ON CONFLICT (node_id) DO UPDATE SET heartbeat_at = now();");
        AddParameters(command, NodeId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // In one transaction: runs `first` (forgetting nodes, say), deletes the presence rows `where` picks (and,
    // unless one room is named, the connection rows it picks), then, per (room, user) under its lock, finds those no longer present anywhere,
    // and once committed sends UserLeft to each of their rooms. Returns them.
    // `where` must also fit the connections table unless a room is given.
    private async Task<IReadOnlyList<(string Room, Member Member)>> RemoveAsync(
        string where, string? first, CancellationToken cancellationToken, string? connectionId = null, string? room = null, string? userId = null, IReadOnlyList<string>? readers = null)
    {
        var connectionsToo = room is null;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (first is not null)
        {
            await using var command = new NpgsqlCommand(first, connection);
            AddNamed(command, connectionId, room, userId, readers);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var removed = new List<(string Room, Member Member)>();
        await using (var delete = new NpgsqlCommand(
            $"""
            WITH gone AS (DELETE FROM presence WHERE {where} RETURNING room, user_id, user_name){(connectionsToo ? $", closed AS (DELETE FROM connections WHERE {where})" : string.Empty)}
            SELECT DISTINCT room, user_id, user_name FROM gone ORDER BY room, user_id;
            """,
            connection))
        {
            AddNamed(delete, connectionId, room, userId, readers);
            await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                removed.Add((reader.GetString(0), new Member(reader.GetString(1), reader.GetString(2))));
            }
        }

        var absent = new List<(string Room, Member Member)>();
        foreach (var (removedRoom, member) in removed.DistinctBy(r => (r.Room, r.Member.UserId)))
        {
            await LockAsync(connection, removedRoom, member.UserId, cancellationToken);
            if (await CountAsync(connection, removedRoom, member.UserId, cancellationToken) == 0)
            {
                absent.Add((removedRoom, member));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        if (connectionId is null && room is null && absent.Count > 0)
        {
            LogReaped(logger, absent.Count);
        }

        // The connection's own leave or disconnect is announced by RoomService; reaped and removed (RemovedAsync) ones here. Started, not
        // awaited (FireAndForget), as RoomService does: this runs in the heartbeat loop (and the goodbye), which a
        // member that stops reading must not hold up, once per room, past the node timeout.
        if (connectionId is null)
        {
            var now = time.GetUtcNow().UtcDateTime;
            foreach (var (absentRoom, member) in absent)
            {
                FireAndForget.Observe(hub.Clients.Group(absentRoom).UserLeft(new PresenceEvent(absentRoom, member.UserId, member.UserName, now)), logger);
            }
        }

        return absent;
    }

    private void AddNamed(NpgsqlCommand command, string? connectionId, string? room, string? userId, IReadOnlyList<string>? readers)
    {
        command.Parameters.Add(new NpgsqlParameter("user", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)userId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("readers", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = readers?.ToArray() ?? [] });
        command.Parameters.AddWithValue("node", NodeId);
        command.Parameters.AddWithValue("timeout", _options.NodeTimeout);
        command.Parameters.Add(new NpgsqlParameter("connection", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)connectionId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("room", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)room ?? DBNull.Value });
    }

    private static async Task LockAsync(NpgsqlConnection connection, string room, string userId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1 || chr(31) || $2, 0));", connection);
        AddParameters(command, room, userId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string room, string userId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM presence WHERE room = $1 AND user_id = $2;", connection);
        AddParameters(command, room, userId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static void AddParameters(NpgsqlCommand command, params string[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
    }

    private static async Task<T> Guard<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException)
        {
            throw new StoreUnavailableException($"Shared presence failed: {ex.Message}", ex);
        }
    }

    [LoggerMessage(EventId = 50, Level = LogLevel.Information, Message = "Removed the presence of {Count} users in rooms held by nodes that stopped or went silent.")]
    private static partial void LogReaped(ILogger logger, int count);

    [LoggerMessage(EventId = 51, Level = LogLevel.Debug, Message = "A presence heartbeat failed.")]
    private static partial void LogBeatFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 52, Level = LogLevel.Warning, Message = "This node could not remove its presence on the way out; other nodes will when it times out.")]
    private static partial void LogGoodbyeFailed(ILogger logger, Exception exception);
}
