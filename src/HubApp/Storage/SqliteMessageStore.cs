using System.Data;
using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace HubApp.Storage;

/// <summary>
/// History in one SQLite file (WAL, synchronous=FULL by default: a committed batch survives a crash or power loss;
/// <c>Storage:SqliteSynchronous</c> = normal trades the power-loss guarantee for commit latency).
/// The SQL shared with the PostgreSQL store is in <see cref="RelationalMessageStore"/>.
/// </summary>
/// <remarks>WAL readers do not block the writer, so reads on pooled connections run concurrently with appends.</remarks>
internal sealed partial class SqliteMessageStore(IOptions<StorageOptions> storage, IOptions<RetentionOptions> retention) : RelationalMessageStore(retention)
{
    /// <summary>
    /// 1: rooms, messages, direct messages. 2: client message ids, unique per room and user, and per sender and target.
    /// 3: direct conversations (a key per message, a row per user and conversation) and read markers.
    /// 4: the room log's entry kinds: a message's kind, target (of an edit or delete), and when it was edited or deleted.
    /// 5: each user's list of rooms, filled from memberships and read markers; who set a ban or mute and when.
    /// 6: replies and threads (a message's parent and root, a root's summary) and stored mentions (per message, and indexed per user).
    /// 7: reactions (who reacted, and a summary on the target's row); a conversation's log: a direct message's kind, target,
    /// reply, and when it was edited or deleted.
    /// 8: search: FTS5 tables of message entries and direct messages, filled from what is stored (SqliteMessageStore.Search).
    /// 9: attachments: the uploads table, and a message's attachment descriptions on its row (RelationalMessageStore.Attachments).
    /// </summary>
    private const int SchemaVersion = 9;

    private readonly string _connectionString = storage.Value.SqliteConnectionString;

    private readonly string _synchronous = string.Equals(storage.Value.SqliteSynchronous, StorageOptions.SynchronousNormal, StringComparison.OrdinalIgnoreCase)
        ? "PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
        : "PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;";

    protected override string StoreName => "SQLite";

    // julianday has millisecond precision; one process owns the file (SqliteFileLock), so this clock is the only one.
    protected override string NowSql => "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";

    public override async Task InitializeAsync(CancellationToken cancellationToken)
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
            var found = await ReadVersionAsync(connection, cancellationToken);
            if (found > SchemaVersion)
            {
                throw new InvalidOperationException($"The SQLite store has schema version {found}; this build knows {SchemaVersion}.");
            }

            if (found < 2)
            {
                // A new file is made in the v1 shape above and upgraded here, like an old one: one path, always tested.
                // Existing rows get NULL ids, which never collide. One transaction: a crash leaves v1 or v2, nothing between.
                await ExecuteAsync(connection, """
                    BEGIN IMMEDIATE;
                    ALTER TABLE messages ADD COLUMN client_message_id TEXT;
                    ALTER TABLE direct_messages ADD COLUMN client_message_id TEXT;
                    CREATE UNIQUE INDEX messages_client_message_id ON messages (room, user_id, client_message_id) WHERE client_message_id IS NOT NULL;
                    CREATE UNIQUE INDEX direct_messages_client_message_id ON direct_messages (from_user_id, to_user_id, client_message_id) WHERE client_message_id IS NOT NULL;
                    UPDATE schema_version SET version = 2;
                    COMMIT;
                    """, cancellationToken);
            }

            if (found < 3)
            {
                // Existing direct messages get their conversation key and rows (one transaction, as above).
                await ExecuteAsync(connection, $"""
                    BEGIN IMMEDIATE;
                    ALTER TABLE direct_messages ADD COLUMN conversation TEXT NOT NULL DEFAULT '';
                    UPDATE direct_messages SET conversation = CASE WHEN from_user_id <= to_user_id
                        THEN from_user_id || char(31) || to_user_id ELSE to_user_id || char(31) || from_user_id END;
                    CREATE INDEX direct_messages_conversation ON direct_messages (conversation, id);
                    CREATE INDEX direct_messages_to ON direct_messages (to_user_id, id);
                    CREATE INDEX direct_messages_from ON direct_messages (from_user_id, id);
                    CREATE TABLE direct_threads (
                        user_id TEXT NOT NULL, other_user_id TEXT NOT NULL, other_user_name TEXT NOT NULL, last_id INTEGER NOT NULL,
                        message_count INTEGER NOT NULL, last_read_id INTEGER NOT NULL, PRIMARY KEY (user_id, other_user_id)) WITHOUT ROWID;
                    CREATE INDEX direct_threads_recent ON direct_threads (user_id, last_id);
                    CREATE TABLE read_markers (
                        user_id TEXT NOT NULL, room TEXT NOT NULL, last_read_id INTEGER NOT NULL, PRIMARY KEY (user_id, room)) WITHOUT ROWID;
                    {BackfillThreadsSql}
                    UPDATE schema_version SET version = 3;
                    COMMIT;
                    """, cancellationToken);
            }

            if (found < 4)
            {
                // Every entry stored before is a message (the column's default), never edited nor deleted.
                await ExecuteAsync(connection, """
                    BEGIN IMMEDIATE;
                    ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'message';
                    ALTER TABLE messages ADD COLUMN target_id INTEGER;
                    ALTER TABLE messages ADD COLUMN edited_at INTEGER;
                    ALTER TABLE messages ADD COLUMN deleted_at INTEGER;
                    CREATE INDEX messages_target ON messages (room, target_id) WHERE target_id IS NOT NULL;
                    UPDATE schema_version SET version = 4;
                    COMMIT;
                    """, cancellationToken);
            }

            // Before version 5: the room tables exist from here on (a database older than them gains them now, in today's shape).
            await CreateRoomTablesAsync(connection, cancellationToken);
            if (found < 5)
            {
                await UpgradeToVersion5Async(connection, cancellationToken);
            }

            if (found < 6)
            {
                // Messages stored before answer nothing and start no thread; their mentions were never stored, so they are
                // found once here (the old counts read them from the texts) in one transaction, as the upgrades above.
                // SQLite has no ADD COLUMN IF NOT EXISTS: a file whose recorded version is older than its columns (put back by
                // hand, say) keeps the ones it has.
                var addColumns = await HasColumnAsync(connection, "messages", "thread_id", cancellationToken) ? string.Empty : """
                    ALTER TABLE messages ADD COLUMN reply_to_id INTEGER;
                    ALTER TABLE messages ADD COLUMN thread_id INTEGER;
                    ALTER TABLE messages ADD COLUMN reply_count INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE messages ADD COLUMN last_reply_at INTEGER;
                    ALTER TABLE messages ADD COLUMN participants TEXT;
                    ALTER TABLE messages ADD COLUMN mentions TEXT;
                    """;
                await ExecuteAsync(connection, $"""
                    BEGIN IMMEDIATE;
                    {addColumns}
                    {MentionTableSql}
                    """, cancellationToken);
                try
                {
                    await BackfillMentionsAsync(connection, cancellationToken);
                    await ExecuteAsync(connection, "UPDATE schema_version SET version = 6; COMMIT;", cancellationToken);
                }
                catch
                {
                    await ExecuteAsync(connection, "ROLLBACK;", CancellationToken.None);
                    throw;
                }
            }

            if (found < 7)
            {
                // Every direct message stored before is a message (the column's default), never edited, deleted nor reacted to.
                // Columns a file already has (its recorded version put back by hand, say) are kept, as for version 6.
                var messageColumns = await HasColumnAsync(connection, "messages", "reactions", cancellationToken) ? string.Empty : """
                    ALTER TABLE messages ADD COLUMN reactions TEXT;
                    """;
                var directColumns = await HasColumnAsync(connection, "direct_messages", "kind", cancellationToken) ? string.Empty : """
                    ALTER TABLE direct_messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'message';
                    ALTER TABLE direct_messages ADD COLUMN target_id INTEGER;
                    ALTER TABLE direct_messages ADD COLUMN edited_at INTEGER;
                    ALTER TABLE direct_messages ADD COLUMN deleted_at INTEGER;
                    ALTER TABLE direct_messages ADD COLUMN reply_to_id INTEGER;
                    ALTER TABLE direct_messages ADD COLUMN reactions TEXT;
                    """;
                await ExecuteAsync(connection, $"""
                    BEGIN IMMEDIATE;
                    {messageColumns}
                    {directColumns}
                    CREATE INDEX IF NOT EXISTS direct_messages_target ON direct_messages (target_id) WHERE target_id IS NOT NULL;
                    CREATE TABLE IF NOT EXISTS reactions (
                        log TEXT NOT NULL, message_id INTEGER NOT NULL, emoji TEXT NOT NULL, user_id TEXT NOT NULL, at INTEGER NOT NULL,
                        PRIMARY KEY (log, message_id, emoji, user_id)) WITHOUT ROWID;
                    UPDATE schema_version SET version = 7;
                    COMMIT;
                    """, cancellationToken);
            }

            if (found < 8)
            {
                await UpgradeToVersion8Async(connection, cancellationToken);
            }

            if (found < 9)
            {
                // Messages stored before carry no attachments (NULL). Columns a file already has are kept, as for version 6.
                var messageColumns = await HasColumnAsync(connection, "messages", "attachments", cancellationToken) ? string.Empty : """
                    ALTER TABLE messages ADD COLUMN attachments TEXT;
                    """;
                var directColumns = await HasColumnAsync(connection, "direct_messages", "attachments", cancellationToken) ? string.Empty : """
                    ALTER TABLE direct_messages ADD COLUMN attachments TEXT;
                    """;
                await ExecuteAsync(connection, $"""
                    BEGIN IMMEDIATE;
                    {messageColumns}
                    {directColumns}
                    {AttachmentTableSql}
                    UPDATE schema_version SET version = 9;
                    COMMIT;
                    """, cancellationToken);
            }

            // After every upgrade: the triggers follow the columns the tables have now.
            await CreateSearchTriggersAsync(connection, cancellationToken);

            // Tables that only add, in no version of their own (RelationalMessageStore.Webhooks).
            await ExecuteAsync(connection, WebhookTablesSql, cancellationToken);

            // Push tables only add: outside the numbered versions, which stay the messages'.
            await ExecuteAsync(connection, PushTablesSql, cancellationToken);
            return 0;
        });
    }

    /// <summary>
    /// Room sanctions made before version 5 gain who set them (not known: null) and when (the upgrade's time, the earliest
    /// known); user_rooms is filled once from memberships and read markers. One transaction, as the upgrades above.
    /// </summary>
    private static async Task UpgradeToVersion5Async(DbConnection connection, CancellationToken cancellationToken)
    {
        // A room_sanctions table made by this build has the columns already (SQLite has no ADD COLUMN IF NOT EXISTS).
        var addColumns = await HasColumnAsync(connection, "room_sanctions", "set_at", cancellationToken)
            ? string.Empty
            : "ALTER TABLE room_sanctions ADD COLUMN by_user_id TEXT; ALTER TABLE room_sanctions ADD COLUMN set_at INTEGER;";
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await ExecuteAsync(connection, $"""
            BEGIN IMMEDIATE;
            {addColumns}
            UPDATE room_sanctions SET set_at = {now} WHERE set_at IS NULL;
            {BackfillUserRoomsSql(now)}
            UPDATE schema_version SET version = 5;
            COMMIT;
            """, cancellationToken);
    }

    private static async Task<bool> HasColumnAsync(DbConnection connection, string table, string column, CancellationToken cancellationToken)
    {
        await using var columns = connection.CreateCommand();
        columns.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}';";
        return Convert.ToInt64(await columns.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private static async Task<int> ReadVersionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var version = connection.CreateCommand();
        version.CommandText = "SELECT MAX(version) FROM schema_version;";
        return Convert.ToInt32(await version.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    protected override async Task<DbConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        // secure_delete: the space a deleted or emptied text leaves is zeroed, not left in the file's free pages.
        await ExecuteAsync(connection, _synchronous, cancellationToken);
        return connection;
    }

    // Texts are bound as UTF-8 bytes: Microsoft.Data.Sqlite binds long strings as C strings, cutting them
    // at the first NUL, and a message may carry any character.
    protected override DbType TextType => DbType.Binary;

    protected override object TextValue(string text) => Encoding.UTF8.GetBytes(text);

    protected override string ReadText(DbDataReader reader, int ordinal) => Encoding.UTF8.GetString(reader.GetFieldValue<byte[]>(ordinal));

    protected override bool IsStoreFailure(Exception exception) => exception is DbException or IOException or UnauthorizedAccessException;

    private static void CreateDirectory(string connectionString)
    {
        var directory = SqlitePath.DatabaseFile(connectionString) is { } file ? Path.GetDirectoryName(file) : null;
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}
