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
    private WriterSession? _writer;

    /// <summary>For messages: "SQLite", "PostgreSQL".</summary>
    protected abstract string StoreName { get; }

    public abstract Task InitializeAsync(CancellationToken cancellationToken);

    public Task<AppendResult> AppendAsync(WriteBatch batch, BeforeCommit? beforeCommit, CancellationToken cancellationToken) => Guard(async () =>
    {
        try
        {
            _writer ??= new WriterSession(await OpenWriterAsync(cancellationToken), TextType);
            await using var transaction = await _writer.Connection.BeginTransactionAsync(cancellationToken);
            _writer.Enlist(transaction);
            var messages = await AppendMessagesAsync(_writer, batch, cancellationToken);
            var direct = await AppendDirectAsync(_writer, batch, cancellationToken);
            var stored = new AppendResult(messages, direct);
            if (beforeCommit is not null)
            {
                await beforeCommit(_writer.Connection, stored, cancellationToken);
            }

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

    private async Task<IReadOnlyList<ChatMessage>> AppendMessagesAsync(WriterSession session, WriteBatch batch, CancellationToken cancellationToken)
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
            var last = await session.BumpAsync(group.Key, count, cancellationToken);
            nextIds[group.Key] = last - count + 1;
            if (last > _maxPerRoom && (last / 64) != ((last - count) / 64))
            {
                await session.PruneAsync(group.Key, last - _maxPerRoom, cancellationToken);
            }
        }

        var sentAt = ToUnixMilliseconds(batch.SentAt);
        var stored = new ChatMessage[batch.Messages.Count];
        for (var i = 0; i < stored.Length; i++)
        {
            var message = batch.Messages[i];
            var messageId = nextIds[message.Room]++;
            await session.InsertAsync(message, messageId, TextValue(message.Text), sentAt, cancellationToken);
            stored[i] = new ChatMessage(messageId, message.Room, message.UserId, message.UserName, message.Text, batch.SentAt);
        }

        return stored;
    }

    private async Task<IReadOnlyList<DirectMessage>> AppendDirectAsync(WriterSession session, WriteBatch batch, CancellationToken cancellationToken)
    {
        if (batch.DirectMessages.Count == 0)
        {
            return [];
        }

        var sentAt = ToUnixMilliseconds(batch.SentAt);
        var stored = new DirectMessage[batch.DirectMessages.Count];
        for (var i = 0; i < stored.Length; i++)
        {
            var message = batch.DirectMessages[i];
            var messageId = await session.InsertDirectAsync(message, TextValue(message.Text), sentAt, cancellationToken);
            stored[i] = new DirectMessage(messageId, message.FromUserId, message.FromUserName, message.ToUserId, message.Text, batch.SentAt);
        }

        return stored;
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

    /// <summary>
    /// The writer's connection with its statements, prepared once and reused for every batch: a batch is then
    /// a run of executions of ready statements, with no SQL parsed on the write path.
    /// </summary>
    private sealed class WriterSession : IAsyncDisposable
    {
        private readonly DbCommand _bump;
        private readonly DbParameter _bumpRoom;
        private readonly DbParameter _bumpCount;
        private readonly DbCommand _prune;
        private readonly DbParameter _pruneRoom;
        private readonly DbParameter _pruneId;
        private readonly DbCommand _insert;
        private readonly DbParameter[] _insertValues;
        private readonly DbCommand _insertDirect;
        private readonly DbParameter[] _directValues;

        public WriterSession(DbConnection connection, DbType textType)
        {
            Connection = connection;
            _bump = Command("""
                INSERT INTO rooms (name, last_id) VALUES (@room, @count)
                ON CONFLICT (name) DO UPDATE SET last_id = rooms.last_id + @count RETURNING last_id;
                """);
            _bumpRoom = AddParameter(_bump, "@room", DbType.String);
            _bumpCount = AddParameter(_bump, "@count", DbType.Int64);
            _prune = Command("DELETE FROM messages WHERE room = @room AND id <= @id;");
            _pruneRoom = AddParameter(_prune, "@room", DbType.String);
            _pruneId = AddParameter(_prune, "@id", DbType.Int64);
            _insert = Command("INSERT INTO messages (room, id, user_id, user_name, text, sent_at) VALUES (@room, @id, @user_id, @user_name, @text, @sent_at);");
            _insertValues =
            [
                AddParameter(_insert, "@room", DbType.String), AddParameter(_insert, "@id", DbType.Int64), AddParameter(_insert, "@user_id", DbType.String),
                AddParameter(_insert, "@user_name", DbType.String), AddParameter(_insert, "@text", textType), AddParameter(_insert, "@sent_at", DbType.Int64),
            ];
            _insertDirect = Command("""
                INSERT INTO direct_messages (from_user_id, from_user_name, to_user_id, text, sent_at)
                VALUES (@from, @from_name, @to, @text, @sent_at) RETURNING id;
                """);
            _directValues =
            [
                AddParameter(_insertDirect, "@from", DbType.String), AddParameter(_insertDirect, "@from_name", DbType.String),
                AddParameter(_insertDirect, "@to", DbType.String), AddParameter(_insertDirect, "@text", textType), AddParameter(_insertDirect, "@sent_at", DbType.Int64),
            ];
        }

        public DbConnection Connection { get; }

        /// <summary>Points the statements at this batch's transaction (Microsoft.Data.Sqlite insists).</summary>
        public void Enlist(DbTransaction transaction)
        {
            foreach (var command in new[] { _bump, _prune, _insert, _insertDirect })
            {
                command.Transaction = transaction;
            }
        }

        public async Task<long> BumpAsync(string room, int count, CancellationToken cancellationToken)
        {
            (_bumpRoom.Value, _bumpCount.Value) = (room, (long)count);
            return Convert.ToInt64(await _bump.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        public async Task PruneAsync(string room, long upToId, CancellationToken cancellationToken)
        {
            (_pruneRoom.Value, _pruneId.Value) = (room, upToId);
            await _prune.ExecuteNonQueryAsync(cancellationToken);
        }

        public async Task InsertAsync(NewChatMessage message, long id, object text, long sentAt, CancellationToken cancellationToken)
        {
            (_insertValues[0].Value, _insertValues[1].Value, _insertValues[2].Value) = (message.Room, id, message.UserId);
            (_insertValues[3].Value, _insertValues[4].Value, _insertValues[5].Value) = (message.UserName, text, sentAt);
            await _insert.ExecuteNonQueryAsync(cancellationToken);
        }

        public async Task<long> InsertDirectAsync(NewDirectMessage message, object text, long sentAt, CancellationToken cancellationToken)
        {
            (_directValues[0].Value, _directValues[1].Value, _directValues[2].Value) = (message.FromUserId, message.FromUserName, message.ToUserId);
            (_directValues[3].Value, _directValues[4].Value) = (text, sentAt);
            return Convert.ToInt64(await _insertDirect.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var command in new[] { _bump, _prune, _insert, _insertDirect })
            {
                await command.DisposeAsync();
            }

            await Connection.DisposeAsync();
        }

        private DbCommand Command(string sql)
        {
            var command = Connection.CreateCommand();
            command.CommandText = sql;
            return command;
        }
    }
}
