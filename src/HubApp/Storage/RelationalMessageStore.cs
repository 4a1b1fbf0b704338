using System.Data;
using System.Data.Common;
using HubApp.Contracts;
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
/// <para>
/// Idempotent sends (client message ids; docs/protocol.md, <c>PostMessage</c>): a unique index on (room, user_id,
/// client_message_id) and on (from_user_id, to_user_id, client_message_id) guards the store, but a batch never
/// runs into it, since a failed statement would fail every sender of the batch. For a room, the counter row is
/// locked first (a bump by 0): every writer of the room, on any node, holds that lock from before its inserts to
/// its commit, so the lookup that follows sees every committed id and no other can be stored until this batch
/// commits; only the writes not found are counted, so a repeat takes no id. For direct messages (ids need not be
/// consecutive) the keys are locked in key order where the database is shared (<see cref="KeyLockSql"/>), then
/// inserted with ON CONFLICT DO NOTHING and, when nothing was inserted, read back: that also answers a repeat
/// within the same batch with the row it just stored.
/// </para>
/// </remarks>
internal abstract partial class RelationalMessageStore(IOptions<RetentionOptions> retention) : IMessageStore, IDirectMessageStore, IReadMarkerStore, IAsyncDisposable
{
    /// <summary>The columns of a room log entry, in the order <see cref="ReadMessage"/> reads them.</summary>
    private const string MessageColumns =
        "id, user_id, user_name, text, sent_at, client_message_id, kind, target_id, edited_at, deleted_at, reply_to_id, thread_id, reply_count, last_reply_at, participants, mentions, reactions, attachments";

    /// <summary>The most ids <see cref="GetByIdsAsync"/> reads at once (GetMessages' bound).</summary>
    public const int MaxIdsPerRead = 100;

    private readonly int _maxPerRoom = retention.Value.MaxMessagesPerRoom;
    private WriterSession? _writer;

    /// <summary>For messages: "SQLite", "PostgreSQL".</summary>
    protected abstract string StoreName { get; }

    public abstract Task InitializeAsync(CancellationToken cancellationToken);

    public Task<IReadOnlyList<ChatMessage>> GetLatestAsync(string room, int count, CancellationToken cancellationToken) =>
        QueryAsync(room, $"SELECT {MessageColumns} FROM messages WHERE room = @room ORDER BY id DESC LIMIT @count;", 0, count, descending: true, cancellationToken);

    public Task<IReadOnlyList<ChatMessage>> GetAfterAsync(string room, long afterId, int count, CancellationToken cancellationToken) =>
        QueryAsync(room, $"SELECT {MessageColumns} FROM messages WHERE room = @room AND id > @id ORDER BY id LIMIT @count;", afterId, count, descending: false, cancellationToken);

    public Task<IReadOnlyList<ChatMessage>> GetBeforeAsync(string room, long beforeId, int count, CancellationToken cancellationToken) =>
        QueryAsync(room, $"SELECT {MessageColumns} FROM messages WHERE room = @room AND id < @id ORDER BY id DESC LIMIT @count;", beforeId, count, descending: true, cancellationToken);

    public Task<IReadOnlyList<ChatMessage>> GetThreadAsync(string room, long rootId, long afterId, int count, CancellationToken cancellationToken) =>
        QueryAsync(
            room,
            $"SELECT {MessageColumns} FROM messages WHERE room = @room AND thread_id = @root AND id > @id ORDER BY id LIMIT @count;",
            afterId,
            count,
            descending: false,
            cancellationToken,
            ("@root", DbType.Int64, rootId));

    public Task<IReadOnlyList<ChatMessage>> GetByIdsAsync(string room, IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var wanted = ids.Distinct().Take(MaxIdsPerRead).ToArray();
        if (wanted.Length == 0)
        {
            return Task.FromResult<IReadOnlyList<ChatMessage>>([]);
        }

        // One parameter per id (at most MaxIdsPerRead): the statement never holds a value of the caller's.
        var names = wanted.Select((_, i) => $"@i{i}").ToArray();
        return QueryAsync(
            room,
            $"SELECT {MessageColumns} FROM messages WHERE room = @room AND id IN ({string.Join(", ", names)}) ORDER BY id LIMIT @count;",
            0,
            wanted.Length,
            descending: false,
            cancellationToken,
            [.. wanted.Select((id, i) => (names[i], DbType.Int64, (object)id))]);
    }

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

    /// <summary>
    /// A statement that takes a lock on the idempotency key <c>@key</c> until the transaction ends, where several
    /// nodes write one database; null where one writer has the database to itself (SQLite).
    /// </summary>
    protected virtual string? KeyLockSql => null;

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

    private Task<IReadOnlyList<ChatMessage>> QueryAsync(
        string room, string sql, long id, int count, bool descending, CancellationToken cancellationToken, params (string Name, DbType Type, object Value)[] more) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = sql;
        AddParameter(query, "@room", DbType.String, room);
        AddParameter(query, "@id", DbType.Int64, id);
        AddParameter(query, "@count", DbType.Int32, count);
        foreach (var (name, type, value) in more)
        {
            AddParameter(query, name, type, value);
        }

        var messages = new List<ChatMessage>(Math.Min(count, 256));
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(ReadMessage(reader, room, ReadText));
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

    /// <summary>A room log entry from a row of <see cref="MessageColumns"/>.</summary>
    private static ChatMessage ReadMessage(DbDataReader reader, string room, Func<DbDataReader, int, string> readText) => new(
        reader.GetInt64(0), room, reader.GetString(1), reader.GetString(2), readText(reader, 3), FromUnixMilliseconds(reader.GetInt64(4)),
        Kind: reader.GetString(6),
        TargetId: reader.IsDBNull(7) ? null : reader.GetInt64(7),
        ClientMessageId: reader.IsDBNull(5) ? null : reader.GetString(5),
        EditedAt: reader.IsDBNull(8) ? null : FromUnixMilliseconds(reader.GetInt64(8)),
        DeletedAt: reader.IsDBNull(9) ? null : FromUnixMilliseconds(reader.GetInt64(9)),
        ReplyToId: reader.IsDBNull(10) ? null : reader.GetInt64(10),
        ThreadId: reader.IsDBNull(11) ? null : reader.GetInt64(11),
        Thread: reader.IsDBNull(14) ? null : new ThreadSummary(
            Convert.ToInt32(reader.GetValue(12), System.Globalization.CultureInfo.InvariantCulture),
            reader.IsDBNull(13) ? null : FromUnixMilliseconds(reader.GetInt64(13)),
            SplitIds(reader.GetString(14))),
        Mentions: reader.IsDBNull(15) ? null : SplitIds(reader.GetString(15)),
        Reactions: reader.IsDBNull(16) ? null : ReactionSummary.Parse(reader.GetString(16)),
        Attachments: reader.IsDBNull(17) ? null : AttachmentSummary.Parse(reader.GetString(17)));

    // User ids hold no white space (ChatClaims): a space-separated list of them is unambiguous.
    private static string[] SplitIds(string joined) => joined.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static object JoinIds(IReadOnlyList<string>? ids) => ids is { Count: > 0 } ? string.Join(' ', ids) : DBNull.Value;

    private static long ToUnixMilliseconds(DateTime utc) => new DateTimeOffset(utc, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static DateTime FromUnixMilliseconds(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).UtcDateTime;
}
