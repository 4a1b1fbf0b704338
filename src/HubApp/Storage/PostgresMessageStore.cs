using System.Data;
using System.Data.Common;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HubApp.Storage;

/// <summary>
/// History in PostgreSQL, shared by every node. Room ids come from the counter row that
/// <see cref="RelationalMessageStore"/> bumps with <c>UPDATE … RETURNING</c>: its row lock serializes the
/// batches of one room across nodes until commit, so ids strictly increase per room whoever writes, and
/// commits of one room happen in id order. A batch is committed (and so durable, with the server's
/// <c>synchronous_commit</c>) before <see cref="MessageWriter"/> acknowledges it.
/// </summary>
/// <remarks>
/// Texts are stored as UTF-8 <c>bytea</c>: PostgreSQL <c>text</c> cannot hold U+0000, which a message may.
/// The schema is created or upgraded under an advisory lock, so nodes starting together do not race.
/// </remarks>
internal sealed partial class PostgresMessageStore(NpgsqlDataSource dataSource, IOptions<RetentionOptions> retention)
    : RelationalMessageStore(retention)
{
    /// <summary>The advisory lock that every schema change of HubApp takes (the store's and the backplane's).</summary>
    public const long SchemaLockKey = 0x4875_6241_7070; // "HubApp"

    /// <summary>
    /// 1: rooms, messages, direct messages. 2: client message ids, unique per room and user, and per sender and target.
    /// 3: direct conversations (a key per message, a row per user and conversation) and read markers.
    /// 4: the room log's entry kinds: a message's kind, target (of an edit or delete), and when it was edited or deleted.
    /// 5: replies and threads (a message's parent and root, a root's summary) and stored mentions (per message, and indexed per user).
    /// 6: reactions (who reacted, and a summary on the target's row); a conversation's log: a direct message's kind, target,
    /// reply, and when it was edited or deleted.
    /// 7: a message's attachment descriptions on its row (the uploads themselves are the 'attachments' component's).
    /// </summary>
    private const int SchemaVersion = 7;

    /// <summary>1: the uploads table (RelationalMessageStore.Attachments) and the chunks of files stored in the database.</summary>
    private const int AttachmentTablesVersion = 1;

    /// <summary>
    /// 1: created rooms, members with roles, bans and mutes (RelationalMessageStore.Rooms). 2: each user's list of rooms,
    /// filled from memberships and read markers; who set a ban or mute and when (RelationalMessageStore.UserRooms).
    /// </summary>
    private const int RoomTablesVersion = 2;

    /// <summary>1: webhooks, and per webhook and room a cursor and a lease (RelationalMessageStore.Webhooks).</summary>
    private const int WebhookTablesVersion = 1;
    /// <summary>1: push subscriptions and the cluster's VAPID key pair (RelationalMessageStore.Push).</summary>
    private const int PushTablesVersion = 1;

    /// <summary>The first key of the two-key advisory locks on direct messages' client message ids (<see cref="KeyLockSql"/>).</summary>
    private const int DirectKeyLockSpace = 0x4875_6244; // "HubD"

    /// <summary>The first key of the two-key advisory locks on an owner while a room of theirs is created (<see cref="OwnerLockSql"/>).</summary>
    private const int RoomOwnerLockSpace = 0x4875_624F; // "HubO"

    protected override string StoreName => "PostgreSQL";

    // The server's clock, the same for every node: leases expire whatever the nodes' clocks say.
    protected override string NowSql => "(extract(epoch from clock_timestamp()) * 1000)::bigint";

    protected override DbType TextType => DbType.Binary;

    public override Task InitializeAsync(CancellationToken cancellationToken) => Guard(async () =>
    {
        // Idempotent DDL, run by every start; what must run once (filling version 3's conversation keys and rows from
        // the direct messages stored before) runs only while the recorded version is older. Upgrade every node at once:
        // a node of an older build still running would store direct messages without their conversation.
        await RunSchemaAsync(dataSource, $"""
            CREATE TABLE IF NOT EXISTS rooms (name text PRIMARY KEY, last_id bigint NOT NULL);
            CREATE TABLE IF NOT EXISTS messages (
                room text NOT NULL, id bigint NOT NULL, user_id text NOT NULL, user_name text NOT NULL,
                text bytea NOT NULL, sent_at bigint NOT NULL, PRIMARY KEY (room, id));
            CREATE TABLE IF NOT EXISTS direct_messages (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, from_user_id text NOT NULL, from_user_name text NOT NULL,
                to_user_id text NOT NULL, text bytea NOT NULL, sent_at bigint NOT NULL);
            ALTER TABLE messages ADD COLUMN IF NOT EXISTS client_message_id text;
            ALTER TABLE direct_messages ADD COLUMN IF NOT EXISTS client_message_id text;
            CREATE UNIQUE INDEX IF NOT EXISTS messages_client_message_id
                ON messages (room, user_id, client_message_id) WHERE client_message_id IS NOT NULL;
            CREATE UNIQUE INDEX IF NOT EXISTS direct_messages_client_message_id
                ON direct_messages (from_user_id, to_user_id, client_message_id) WHERE client_message_id IS NOT NULL;
            ALTER TABLE direct_messages ADD COLUMN IF NOT EXISTS conversation text NOT NULL DEFAULT '';
            CREATE TABLE IF NOT EXISTS direct_threads (
                user_id text NOT NULL, other_user_id text NOT NULL, other_user_name text NOT NULL, last_id bigint NOT NULL,
                message_count bigint NOT NULL, last_read_id bigint NOT NULL, PRIMARY KEY (user_id, other_user_id));
            CREATE TABLE IF NOT EXISTS read_markers (
                user_id text NOT NULL, room text NOT NULL, last_read_id bigint NOT NULL, PRIMARY KEY (user_id, room));
            DO $upgrade$ BEGIN
                IF COALESCE((SELECT version FROM hubapp_schema WHERE component = 'store'), 0) < 3 THEN
                    UPDATE direct_messages SET conversation = CASE WHEN from_user_id COLLATE "C" <= to_user_id COLLATE "C"
                        THEN from_user_id || chr(31) || to_user_id ELSE to_user_id || chr(31) || from_user_id END;
                    {BackfillThreadsSql}
                END IF;
            END $upgrade$;
            ALTER TABLE messages ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT 'message';
            ALTER TABLE messages ADD COLUMN IF NOT EXISTS target_id bigint;
            ALTER TABLE messages ADD COLUMN IF NOT EXISTS edited_at bigint;
            ALTER TABLE messages ADD COLUMN IF NOT EXISTS deleted_at bigint;
            CREATE INDEX IF NOT EXISTS messages_target ON messages (room, target_id) WHERE target_id IS NOT NULL;
            CREATE INDEX IF NOT EXISTS direct_messages_conversation ON direct_messages (conversation, id);
            CREATE INDEX IF NOT EXISTS direct_messages_to ON direct_messages (to_user_id, id);
            CREATE INDEX IF NOT EXISTS direct_messages_from ON direct_messages (from_user_id, id);
            CREATE INDEX IF NOT EXISTS direct_threads_recent ON direct_threads (user_id, last_id);
            ALTER TABLE messages ADD COLUMN IF NOT EXISTS reply_to_id bigint;
            ALTER TABLE messages ADD COLUMN IF NOT EXISTS thread_id bigint;
            ALTER TABLE messages ADD COLUMN IF NOT EXISTS reply_count integer NOT NULL DEFAULT 0;
            ALTER TABLE messages ADD COLUMN IF NOT EXISTS last_reply_at bigint;
            ALTER TABLE messages ADD COLUMN IF NOT EXISTS participants text;
            ALTER TABLE messages ADD COLUMN IF NOT EXISTS mentions text;
            {MentionTableSql}
            ALTER TABLE messages ADD COLUMN IF NOT EXISTS reactions text;
            ALTER TABLE direct_messages ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT 'message';
            ALTER TABLE direct_messages ADD COLUMN IF NOT EXISTS target_id bigint;
            ALTER TABLE direct_messages ADD COLUMN IF NOT EXISTS edited_at bigint;
            ALTER TABLE direct_messages ADD COLUMN IF NOT EXISTS deleted_at bigint;
            ALTER TABLE direct_messages ADD COLUMN IF NOT EXISTS reply_to_id bigint;
            ALTER TABLE direct_messages ADD COLUMN IF NOT EXISTS reactions text;
            CREATE INDEX IF NOT EXISTS direct_messages_target ON direct_messages (target_id) WHERE target_id IS NOT NULL;
            CREATE TABLE IF NOT EXISTS reactions (
                log text NOT NULL, message_id bigint NOT NULL, emoji text NOT NULL, user_id text NOT NULL, at bigint NOT NULL,
                PRIMARY KEY (log, message_id, emoji, user_id));
            ALTER TABLE messages ADD COLUMN IF NOT EXISTS attachments text;
            ALTER TABLE direct_messages ADD COLUMN IF NOT EXISTS attachments text;
            """, "store", SchemaVersion, cancellationToken, async (connection, found, token) =>
            {
                // Version 5's finding of the mentions stored before, once, in the same transaction (see BackfillMentionsAsync).
                if (found is > 0 and < 5)
                {
                    await BackfillMentionsAsync(connection, token);
                }
            });
        // Created rooms: tables that only add, as a component of their own, so the store's versions stay the messages'.
        // Version 2's fill runs once, while the recorded version is older; a sanction set before it was set "now" by nobody known.
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await RunSchemaAsync(dataSource, $"""
            {RoomTablesSql}
            ALTER TABLE room_sanctions ADD COLUMN IF NOT EXISTS by_user_id text;
            ALTER TABLE room_sanctions ADD COLUMN IF NOT EXISTS set_at bigint;
            DO $upgrade$ BEGIN
                IF COALESCE((SELECT version FROM hubapp_schema WHERE component = 'rooms'), 0) < 2 THEN
                    UPDATE room_sanctions SET set_at = {now} WHERE set_at IS NULL;
                    {BackfillUserRoomsSql(now)}
                END IF;
            END $upgrade$;
            """, "rooms", RoomTablesVersion, cancellationToken);
        await RunSchemaAsync(dataSource, WebhookTablesSql, "webhooks", WebhookTablesVersion, cancellationToken);
        // Uploads: tables that only add, as a component of their own (as the rooms'); the chunks serve Attachments:Provider=postgres.
        await RunSchemaAsync(dataSource, $"""
            {AttachmentTableSql}
            CREATE TABLE IF NOT EXISTS attachment_chunks (id text NOT NULL, seq integer NOT NULL, data bytea NOT NULL, PRIMARY KEY (id, seq));
            """, "attachments", AttachmentTablesVersion, cancellationToken);
        await InitializeSearchAsync(cancellationToken);
        await RunSchemaAsync(dataSource, PushTablesSql, "push", PushTablesVersion, cancellationToken);
        return 0;
    });

    /// <summary>
    /// Runs <paramref name="ddl"/> in one transaction holding <see cref="SchemaLockKey"/>, and records
    /// <paramref name="component"/>'s schema version (raising an older one: <paramref name="ddl"/> must bring any
    /// earlier version up, e.g. with <c>ADD COLUMN IF NOT EXISTS</c>); refuses a database written by a newer build,
    /// and then changes nothing (the transaction is rolled back).
    /// </summary>
    public static async Task RunSchemaAsync(
        NpgsqlDataSource dataSource, string ddl, string component, int version, CancellationToken cancellationToken,
        Func<DbConnection, int, CancellationToken, Task>? upgrade = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({SchemaLockKey});", connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = new NpgsqlCommand(
            "CREATE TABLE IF NOT EXISTS hubapp_schema (component text PRIMARY KEY, version integer NOT NULL);" + ddl,
            connection,
            transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        if (upgrade is not null)
        {
            // The version recorded before this run (0: none), for what must run once; inside the transaction, as the DDL.
            await using var previous = new NpgsqlCommand("SELECT COALESCE((SELECT version FROM hubapp_schema WHERE component = @component), 0);", connection, transaction);
            previous.Parameters.AddWithValue("component", component);
            await upgrade(connection, (int)(await previous.ExecuteScalarAsync(cancellationToken))!, cancellationToken);
        }

        await using (var command = new NpgsqlCommand(
            """
            INSERT INTO hubapp_schema (component, version) VALUES (@component, @version)
            ON CONFLICT (component) DO UPDATE SET version = GREATEST(hubapp_schema.version, EXCLUDED.version);
            SELECT version FROM hubapp_schema WHERE component = @component;
            """,
            connection,
            transaction))
        {
            command.Parameters.AddWithValue("component", component);
            command.Parameters.AddWithValue("version", version);
            var found = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
            if (found > version)
            {
                throw new InvalidOperationException($"The PostgreSQL database has {component} schema version {found}; this build knows {version}.");
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    // Texts are bytea: searched for the byte of "@".
    protected override string HasAtSignSql => @"position('\x40'::bytea in text) > 0";

    // Every node's writer takes these in key order before inserting direct messages with client message ids, so that
    // a repeat on another node waits here, then finds the first one committed (see RelationalMessageStore).
    protected override string RowLockSql => "FOR UPDATE";

    protected override string? KeyLockSql => $"SELECT pg_advisory_xact_lock({DirectKeyLockSpace}, hashtext(@key));";

    // Every node takes it before counting an owner's rooms to create one more (RelationalMessageStore.CreateRoomAsync).
    protected override string? OwnerLockSql => $"SELECT pg_advisory_xact_lock({RoomOwnerLockSpace}, hashtext(@key));";

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await dataSource.OpenConnectionAsync(cancellationToken);

    protected override object TextValue(string text) => Encoding.UTF8.GetBytes(text);

    protected override string ReadText(DbDataReader reader, int ordinal) => Encoding.UTF8.GetString(reader.GetFieldValue<byte[]>(ordinal));

    protected override bool IsStoreFailure(Exception exception) =>
        exception is NpgsqlException or IOException or SocketException or TimeoutException
        || (exception is InvalidOperationException && exception.Source == "Npgsql");

    // After a server restart every idle pooled connection is dead; drop them rather than fail on each in turn.
    protected override void OnStoreFailure() => dataSource.Clear();
}
