using System.Data.Common;
using HubApp.Contracts;
using HubApp.History;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace HubApp.Storage;

/// <summary>
/// History in one SQLite file (WAL, synchronous=FULL: a committed batch survives a crash or power loss).
/// Room ids come from a per-room counter row updated in the same transaction as the messages, so they
/// keep increasing across restarts and pruning.
/// </summary>
/// <remarks>
/// <see cref="AppendAsync"/> runs on one writer at a time and keeps its own connection; reads open pooled
/// connections and run concurrently with it (WAL readers do not block the writer).
/// </remarks>
internal sealed class SqliteMessageStore(IOptions<StorageOptions> storage, IOptions<HistoryOptions> history) : IMessageStore, IAsyncDisposable
{
    private const int SchemaVersion = 1;

    private readonly string _connectionString = storage.Value.SqliteConnectionString;
    private readonly int _maxPerRoom = history.Value.MaxMessagesPerRoom;
    private SqliteConnection? _writer;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        CreateDirectory(_connectionString);
        await Guard(async () =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken);
            await ExecuteAsync(connection, """
                CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS rooms (name TEXT NOT NULL PRIMARY KEY, last_id INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS messages (
                    room TEXT NOT NULL, id INTEGER NOT NULL, user_id TEXT NOT NULL, user_name TEXT NOT NULL,
                    text TEXT NOT NULL, sent_at INTEGER NOT NULL, PRIMARY KEY (room, id)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS direct_messages (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, from_user_id TEXT NOT NULL, from_user_name TEXT NOT NULL,
                    to_user_id TEXT NOT NULL, text TEXT NOT NULL, sent_at INTEGER NOT NULL);
                INSERT INTO schema_version (version) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM schema_version);
                """, cancellationToken);
            await using var version = connection.CreateCommand();
            version.CommandText = "SELECT MAX(version) FROM schema_version;";
            var found = Convert.ToInt32(await version.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            if (found > SchemaVersion)
            {
                throw new InvalidOperationException($"The SQLite store has schema version {found}; this build knows {SchemaVersion}.");
            }

            return 0;
        });
    }

    public Task<AppendResult> AppendAsync(WriteBatch batch, CancellationToken cancellationToken) => Guard(async () =>
    {
        try
        {
            _writer ??= await OpenWriterAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await _writer.BeginTransactionAsync(cancellationToken);
            var messages = await AppendMessagesAsync(_writer, batch, cancellationToken);
            var direct = await AppendDirectAsync(_writer, batch, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new AppendResult(messages, direct);
        }
        catch
        {
            // A connection that failed mid-transaction may be in any state: start the next batch afresh.
            await DisposeWriterAsync();
            throw;
        }
    });

    public Task<IReadOnlyList<ChatMessage>> GetLatestAsync(string room, int count, CancellationToken cancellationToken) =>
        QueryAsync(room, "SELECT id, user_id, user_name, text, sent_at FROM messages WHERE room = $room ORDER BY id DESC LIMIT $count;", 0, count, descending: true, cancellationToken);

    public Task<IReadOnlyList<ChatMessage>> GetAfterAsync(string room, long afterId, int count, CancellationToken cancellationToken) =>
        QueryAsync(room, "SELECT id, user_id, user_name, text, sent_at FROM messages WHERE room = $room AND id > $id ORDER BY id LIMIT $count;", afterId, count, descending: false, cancellationToken);

    public Task<IReadOnlyList<ChatMessage>> GetBeforeAsync(string room, long beforeId, int count, CancellationToken cancellationToken) =>
        QueryAsync(room, "SELECT id, user_id, user_name, text, sent_at FROM messages WHERE room = $room AND id < $id ORDER BY id DESC LIMIT $count;", beforeId, count, descending: true, cancellationToken);

    public Task PingAsync(CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "SELECT 1 FROM rooms LIMIT 1;", cancellationToken);
        return 0;
    });

    public ValueTask DisposeAsync() => DisposeWriterAsync();

    private async Task<IReadOnlyList<ChatMessage>> AppendMessagesAsync(SqliteConnection connection, WriteBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Messages.Count == 0)
        {
            return [];
        }

        // One counter bump per room in the batch: ids are handed out in batch order.
        var nextIds = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var group in batch.Messages.GroupBy(m => m.Room, StringComparer.Ordinal))
        {
            var count = group.Count();
            await using var bump = connection.CreateCommand();
            bump.CommandText = """
                INSERT INTO rooms (name, last_id) VALUES ($room, $count)
                ON CONFLICT (name) DO UPDATE SET last_id = last_id + $count RETURNING last_id;
                """;
            bump.Parameters.AddWithValue("$room", group.Key);
            bump.Parameters.AddWithValue("$count", count);
            var last = (long)(await bump.ExecuteScalarAsync(cancellationToken))!;
            nextIds[group.Key] = last - count + 1;
            if (last > _maxPerRoom && (last / 64) != ((last - count) / 64))
            {
                await PruneAsync(connection, group.Key, last - _maxPerRoom, cancellationToken);
            }
        }

        var sentAt = ToUnixMilliseconds(batch.SentAt);
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO messages (room, id, user_id, user_name, text, sent_at) VALUES ($room, $id, $user_id, $user_name, $text, $sent_at);";
        var room = insert.Parameters.Add("$room", SqliteType.Text);
        var id = insert.Parameters.Add("$id", SqliteType.Integer);
        var userId = insert.Parameters.Add("$user_id", SqliteType.Text);
        var userName = insert.Parameters.Add("$user_name", SqliteType.Text);
        var text = insert.Parameters.Add("$text", SqliteType.Text);
        insert.Parameters.AddWithValue("$sent_at", sentAt);

        var stored = new ChatMessage[batch.Messages.Count];
        for (var i = 0; i < stored.Length; i++)
        {
            var message = batch.Messages[i];
            var messageId = nextIds[message.Room]++;
            (room.Value, id.Value, userId.Value, userName.Value, text.Value) = (message.Room, messageId, message.UserId, message.UserName, message.Text);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            stored[i] = new ChatMessage(messageId, message.Room, message.UserId, message.UserName, message.Text, batch.SentAt);
        }

        return stored;
    }

    private static async Task<IReadOnlyList<DirectMessage>> AppendDirectAsync(SqliteConnection connection, WriteBatch batch, CancellationToken cancellationToken)
    {
        if (batch.DirectMessages.Count == 0)
        {
            return [];
        }

        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO direct_messages (from_user_id, from_user_name, to_user_id, text, sent_at)
            VALUES ($from, $from_name, $to, $text, $sent_at) RETURNING id;
            """;
        var from = insert.Parameters.Add("$from", SqliteType.Text);
        var fromName = insert.Parameters.Add("$from_name", SqliteType.Text);
        var to = insert.Parameters.Add("$to", SqliteType.Text);
        var text = insert.Parameters.Add("$text", SqliteType.Text);
        insert.Parameters.AddWithValue("$sent_at", ToUnixMilliseconds(batch.SentAt));

        var stored = new DirectMessage[batch.DirectMessages.Count];
        for (var i = 0; i < stored.Length; i++)
        {
            var message = batch.DirectMessages[i];
            (from.Value, fromName.Value, to.Value, text.Value) = (message.FromUserId, message.FromUserName, message.ToUserId, message.Text);
            var messageId = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
            stored[i] = new DirectMessage(messageId, message.FromUserId, message.FromUserName, message.ToUserId, message.Text, batch.SentAt);
        }

        return stored;
    }

    private static async Task PruneAsync(SqliteConnection connection, string room, long upToId, CancellationToken cancellationToken)
    {
        await using var prune = connection.CreateCommand();
        prune.CommandText = "DELETE FROM messages WHERE room = $room AND id <= $id;";
        prune.Parameters.AddWithValue("$room", room);
        prune.Parameters.AddWithValue("$id", upToId);
        await prune.ExecuteNonQueryAsync(cancellationToken);
    }

    private Task<IReadOnlyList<ChatMessage>> QueryAsync(string room, string sql, long id, int count, bool descending, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = sql;
        query.Parameters.AddWithValue("$room", room);
        query.Parameters.AddWithValue("$id", id);
        query.Parameters.AddWithValue("$count", count);
        var messages = new List<ChatMessage>(Math.Min(count, 256));
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(new ChatMessage(reader.GetInt64(0), room, reader.GetString(1), reader.GetString(2), reader.GetString(3), FromUnixMilliseconds(reader.GetInt64(4))));
        }

        if (descending)
        {
            messages.Reverse();
        }

        return (IReadOnlyList<ChatMessage>)messages;
    });

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private async Task<SqliteConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "PRAGMA synchronous=FULL;", cancellationToken);
        return connection;
    }

    private async ValueTask DisposeWriterAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
            _writer = null;
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void CreateDirectory(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (string.IsNullOrEmpty(dataSource) || dataSource == ":memory:" || dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }

    private static long ToUnixMilliseconds(DateTime utc) => new DateTimeOffset(utc, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static DateTime FromUnixMilliseconds(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).UtcDateTime;

    private static async Task<T> Guard<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is DbException or IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"The SQLite store failed: {ex.Message}", ex);
        }
    }
}
