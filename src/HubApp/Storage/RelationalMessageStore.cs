using System.Data;
using System.Data.Common;
using HubApp.Contracts;
using HubApp.History;
using Microsoft.Extensions.Options;

namespace HubApp.Storage;

/// <summary>
/// What the SQL stores share: room ids from a per-room counter row bumped in the same transaction as the
/// messages (so they keep increasing across restarts, pruning and, on a server database, across nodes),
/// history queries, pruning and the mapping of provider errors onto <see cref="StoreUnavailableException"/>.
/// Statements use <c>@name</c> parameters, which both SQLite and PostgreSQL accept.
/// </summary>
/// <remarks>
/// <see cref="AppendAsync"/> runs on one writer at a time and keeps its own connection; reads open pooled
/// connections and run concurrently with it. Counter rows are bumped in room-name order, so that batches of
/// several nodes that share rooms lock them in one order and cannot deadlock.
/// </remarks>
internal abstract class RelationalMessageStore(IOptions<HistoryOptions> history) : IMessageStore, IAsyncDisposable
{
    private readonly int _maxPerRoom = history.Value.MaxMessagesPerRoom;
    private DbConnection? _writer;

    /// <summary>For messages: "SQLite", "PostgreSQL".</summary>
    protected abstract string StoreName { get; }

    public abstract Task InitializeAsync(CancellationToken cancellationToken);

    public Task<AppendResult> AppendAsync(WriteBatch batch, CancellationToken cancellationToken) => Guard(async () =>
    {
        try
        {
            _writer ??= await OpenWriterAsync(cancellationToken);
            await using var transaction = await _writer.BeginTransactionAsync(cancellationToken);
            var messages = await AppendMessagesAsync(_writer, batch, cancellationToken);
            var direct = await AppendDirectAsync(_writer, batch, cancellationToken);
            var stored = new AppendResult(messages, direct);
            await BeforeCommitAsync(_writer, stored, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return stored;
        }
        catch
        {
            // A connection that failed mid-transaction may be in any state: start the next batch afresh.
            await DisposeWriterAsync();
            throw;
        }
    });

    public Task<IReadOnlyList<ChatMessage>> GetLatestAsync(string room, int count, CancellationToken cancellationToken) =>
        QueryAsync(room, "SELECT id, user_id, user_name, text, sent_at FROM messages WHERE room = @room ORDER BY id DESC LIMIT @count;", 0, count, descending: true, cancellationToken);

    public Task<IReadOnlyList<ChatMessage>> GetAfterAsync(string room, long afterId, int count, CancellationToken cancellationToken) =>
        QueryAsync(room, "SELECT id, user_id, user_name, text, sent_at FROM messages WHERE room = @room AND id > @id ORDER BY id LIMIT @count;", afterId, count, descending: false, cancellationToken);

    public Task<IReadOnlyList<ChatMessage>> GetBeforeAsync(string room, long beforeId, int count, CancellationToken cancellationToken) =>
        QueryAsync(room, "SELECT id, user_id, user_name, text, sent_at FROM messages WHERE room = @room AND id < @id ORDER BY id DESC LIMIT @count;", beforeId, count, descending: true, cancellationToken);

    public Task PingAsync(CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "SELECT 1 FROM rooms LIMIT 1;", cancellationToken);
        return 0;
    });

    public virtual ValueTask DisposeAsync() => DisposeWriterAsync();

    /// <summary>A pooled connection for reads and schema work.</summary>
    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>The writer's own connection, kept between batches.</summary>
    protected virtual Task<DbConnection> OpenWriterAsync(CancellationToken cancellationToken) => OpenAsync(cancellationToken);

    /// <summary>Whether <paramref name="exception"/> means the store cannot be reached or cannot work now.</summary>
    protected abstract bool IsStoreFailure(Exception exception);

    /// <summary>Called after a store failure, before it is reported (to drop pooled connections, say).</summary>
    protected virtual void OnStoreFailure()
    {
    }

    /// <summary>Runs inside the append transaction, after the batch got its ids: whatever must commit with it.</summary>
    protected virtual Task BeforeCommitAsync(DbConnection connection, AppendResult stored, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The column type of message texts.</summary>
    protected virtual DbType TextType => DbType.String;

    /// <summary>The column value for a message text (a provider may need another representation).</summary>
    protected virtual object TextValue(string text) => text;

    /// <summary>Reads back what <see cref="TextValue"/> stored.</summary>
    protected virtual string ReadText(DbDataReader reader, int ordinal) => reader.GetString(ordinal);

    /// <summary>Runs <paramref name="action"/>, turning provider failures into <see cref="StoreUnavailableException"/>.</summary>
    protected async Task<T> Guard<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            OnStoreFailure();
            throw new StoreUnavailableException($"The {StoreName} store failed: {ex.Message}", ex);
        }
    }

    protected static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected static DbParameter AddParameter(DbCommand command, string name, DbType type, object? value = null)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    private async Task<IReadOnlyList<ChatMessage>> AppendMessagesAsync(DbConnection connection, WriteBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Messages.Count == 0)
        {
            return [];
        }

        // One counter bump per room in the batch: ids are handed out in batch order.
        var nextIds = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var group in batch.Messages.GroupBy(m => m.Room, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var count = group.Count();
            await using var bump = connection.CreateCommand();
            bump.CommandText = """
                INSERT INTO rooms (name, last_id) VALUES (@room, @count)
                ON CONFLICT (name) DO UPDATE SET last_id = rooms.last_id + @count RETURNING last_id;
                """;
            AddParameter(bump, "@room", DbType.String, group.Key);
            AddParameter(bump, "@count", DbType.Int64, (long)count);
            var last = Convert.ToInt64(await bump.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            nextIds[group.Key] = last - count + 1;
            if (last > _maxPerRoom && (last / 64) != ((last - count) / 64))
            {
                await PruneAsync(connection, group.Key, last - _maxPerRoom, cancellationToken);
            }
        }

        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO messages (room, id, user_id, user_name, text, sent_at) VALUES (@room, @id, @user_id, @user_name, @text, @sent_at);";
        var room = AddParameter(insert, "@room", DbType.String);
        var id = AddParameter(insert, "@id", DbType.Int64);
        var userId = AddParameter(insert, "@user_id", DbType.String);
        var userName = AddParameter(insert, "@user_name", DbType.String);
        var text = AddParameter(insert, "@text", TextType);
        AddParameter(insert, "@sent_at", DbType.Int64, ToUnixMilliseconds(batch.SentAt));

        var stored = new ChatMessage[batch.Messages.Count];
        for (var i = 0; i < stored.Length; i++)
        {
            var message = batch.Messages[i];
            var messageId = nextIds[message.Room]++;
            (room.Value, id.Value, userId.Value, userName.Value, text.Value) = (message.Room, messageId, message.UserId, message.UserName, TextValue(message.Text));
            await insert.ExecuteNonQueryAsync(cancellationToken);
            stored[i] = new ChatMessage(messageId, message.Room, message.UserId, message.UserName, message.Text, batch.SentAt);
        }

        return stored;
    }

    private async Task<IReadOnlyList<DirectMessage>> AppendDirectAsync(DbConnection connection, WriteBatch batch, CancellationToken cancellationToken)
    {
        if (batch.DirectMessages.Count == 0)
        {
            return [];
        }

        await using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO direct_messages (from_user_id, from_user_name, to_user_id, text, sent_at)
            VALUES (@from, @from_name, @to, @text, @sent_at) RETURNING id;
            """;
        var from = AddParameter(insert, "@from", DbType.String);
        var fromName = AddParameter(insert, "@from_name", DbType.String);
        var to = AddParameter(insert, "@to", DbType.String);
        var text = AddParameter(insert, "@text", TextType);
        AddParameter(insert, "@sent_at", DbType.Int64, ToUnixMilliseconds(batch.SentAt));

        var stored = new DirectMessage[batch.DirectMessages.Count];
        for (var i = 0; i < stored.Length; i++)
        {
            var message = batch.DirectMessages[i];
            (from.Value, fromName.Value, to.Value, text.Value) = (message.FromUserId, message.FromUserName, message.ToUserId, TextValue(message.Text));
            var messageId = Convert.ToInt64(await insert.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            stored[i] = new DirectMessage(messageId, message.FromUserId, message.FromUserName, message.ToUserId, message.Text, batch.SentAt);
        }

        return stored;
    }

    private static async Task PruneAsync(DbConnection connection, string room, long upToId, CancellationToken cancellationToken)
    {
        await using var prune = connection.CreateCommand();
        prune.CommandText = "DELETE FROM messages WHERE room = @room AND id <= @id;";
        AddParameter(prune, "@room", DbType.String, room);
        AddParameter(prune, "@id", DbType.Int64, upToId);
        await prune.ExecuteNonQueryAsync(cancellationToken);
    }

    private Task<IReadOnlyList<ChatMessage>> QueryAsync(string room, string sql, long id, int count, bool descending, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = sql;
        AddParameter(query, "@room", DbType.String, room);
        AddParameter(query, "@id", DbType.Int64, id);
        AddParameter(query, "@count", DbType.Int32, count);
        var messages = new List<ChatMessage>(Math.Min(count, 256));
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(new ChatMessage(reader.GetInt64(0), room, reader.GetString(1), reader.GetString(2), ReadText(reader, 3), FromUnixMilliseconds(reader.GetInt64(4))));
        }

        if (descending)
        {
            messages.Reverse();
        }

        return (IReadOnlyList<ChatMessage>)messages;
    });

    private async ValueTask DisposeWriterAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
            _writer = null;
        }
    }

    private static long ToUnixMilliseconds(DateTime utc) => new DateTimeOffset(utc, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static DateTime FromUnixMilliseconds(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).UtcDateTime;
}
