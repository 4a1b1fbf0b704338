using HubApp.Contracts;
using HubApp.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace HubApp.Tests.Storage;

/// <summary>The SQLite store on a real file.</summary>
public sealed class SqliteMessageStoreTests : MessageStoreTests
{
    /// <summary>
    /// Takes a file of this build back to version 5's tables (or 6's, once there is one), keeping the rows. Version 8's
    /// search triggers read the direct messages' kind and deletion time, so they go first (a start makes them again).
    /// </summary>
    private const string UndoVersion7Sql = """
        DROP TRIGGER messages_search_insert; DROP TRIGGER messages_search_update; DROP TRIGGER messages_search_delete;
        DROP TRIGGER direct_messages_search_insert; DROP TRIGGER direct_messages_search_update; DROP TRIGGER direct_messages_search_delete;
        DROP TABLE reactions;
        DROP INDEX direct_messages_target;
        ALTER TABLE messages DROP COLUMN reactions;
        ALTER TABLE direct_messages DROP COLUMN kind;
        ALTER TABLE direct_messages DROP COLUMN target_id;
        ALTER TABLE direct_messages DROP COLUMN edited_at;
        ALTER TABLE direct_messages DROP COLUMN deleted_at;
        ALTER TABLE direct_messages DROP COLUMN reply_to_id;
        ALTER TABLE direct_messages DROP COLUMN reactions;
        """;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("hubapp-store-");

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AVersion1FileIsUpgradedAndKeepsItsMessages()
    {
        var connectionString = $"Data Source={Path.Combine(_directory.FullName, "store.db")}";
        await using (var v1 = new SqliteConnection(connectionString))
        {
            await v1.OpenAsync();
            await using var create = v1.CreateCommand();
            // The schema as version 1 made it, with a message in room "a" and a direct message.
            create.CommandText = """
                CREATE TABLE schema_version (version INTEGER NOT NULL);
                CREATE TABLE rooms (name TEXT NOT NULL PRIMARY KEY, last_id INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE messages (
                    room TEXT NOT NULL, id INTEGER NOT NULL, user_id TEXT NOT NULL, user_name TEXT NOT NULL,
                    text TEXT NOT NULL, sent_at INTEGER NOT NULL, PRIMARY KEY (room, id)) WITHOUT ROWID;
                CREATE TABLE direct_messages (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, from_user_id TEXT NOT NULL, from_user_name TEXT NOT NULL,
                    to_user_id TEXT NOT NULL, text TEXT NOT NULL, sent_at INTEGER NOT NULL);
                INSERT INTO schema_version (version) VALUES (1);
                INSERT INTO rooms (name, last_id) VALUES ('a', 2);
                INSERT INTO messages VALUES ('a', 1, 'u', 'U', CAST('old one' AS BLOB), 1764590400000), ('a', 2, 'u', 'U', CAST('old two' AS BLOB), 1764590400001);
                INSERT INTO direct_messages (from_user_id, from_user_name, to_user_id, text, sent_at) VALUES ('u', 'U', 'v', CAST('old dm' AS BLOB), 1764590400002);
                """;
            await create.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        await using var store = Create(connectionString);
        await store.InitializeAsync(CancellationToken.None);
        var result = await store.AppendAsync(
            new WriteBatch([new("a", "u", "U", "new", "c-1"), new("a", "u", "U", "new", "c-1")], [new("u", "U", "v", "dm", "d-1")], DateTime.UtcNow),
            null,
            CancellationToken.None);

        var history = await store.GetLatestAsync("a", 10, CancellationToken.None);
        Assert.Equal([(1L, "old one", (string?)null), (2L, "old two", null), (3L, "new", "c-1")], history.Select(m => (m.Id, m.Text, m.ClientMessageId)));
        Assert.All(history, m => Assert.Equal(MessageKinds.Message, m.Kind));
        Assert.Equal(2, Assert.Single(result.DirectMessages).Id);
        Assert.Equal(9L, await ReadVersionAsync(connectionString));
    }

    [Fact]
    public async Task AVersion2FileIsUpgradedAndItsDirectMessagesFormConversations()
    {
        var connectionString = $"Data Source={Path.Combine(_directory.FullName, "v2.db")}";
        await using (var v2 = new SqliteConnection(connectionString))
        {
            await v2.OpenAsync();
            await using var create = v2.CreateCommand();
            // The schema as version 2 made it, with direct messages both ways between u and v and one to w.
            create.CommandText = """
                CREATE TABLE schema_version (version INTEGER NOT NULL);
                CREATE TABLE rooms (name TEXT NOT NULL PRIMARY KEY, last_id INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE messages (
                    room TEXT NOT NULL, id INTEGER NOT NULL, user_id TEXT NOT NULL, user_name TEXT NOT NULL,
                    text TEXT NOT NULL, sent_at INTEGER NOT NULL, client_message_id TEXT, PRIMARY KEY (room, id)) WITHOUT ROWID;
                CREATE TABLE direct_messages (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, from_user_id TEXT NOT NULL, from_user_name TEXT NOT NULL,
                    to_user_id TEXT NOT NULL, text TEXT NOT NULL, sent_at INTEGER NOT NULL, client_message_id TEXT);
                CREATE UNIQUE INDEX messages_client_message_id ON messages (room, user_id, client_message_id) WHERE client_message_id IS NOT NULL;
                CREATE UNIQUE INDEX direct_messages_client_message_id ON direct_messages (from_user_id, to_user_id, client_message_id) WHERE client_message_id IS NOT NULL;
                INSERT INTO schema_version (version) VALUES (2);
                INSERT INTO direct_messages (from_user_id, from_user_name, to_user_id, text, sent_at) VALUES
                    ('v', 'Old V', 'u', CAST('one' AS BLOB), 1764590400000), ('u', 'U', 'v', CAST('two' AS BLOB), 1764590400001),
                    ('v', 'New V', 'u', CAST('three' AS BLOB), 1764590400002), ('u', 'U', 'w', CAST('four' AS BLOB), 1764590400003);
                """;
            await create.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        await using var store = Create(connectionString);
        await store.InitializeAsync(CancellationToken.None);
        var added = await store.AppendAsync(new WriteBatch([], [new("w", "W", "u", "five")], DateTime.UtcNow), null, CancellationToken.None);

        Assert.Equal(["one", "two", "three"], (await store.GetConversationBeforeAsync("u", "v", long.MaxValue, 10, CancellationToken.None)).Select(m => m.Text));
        Assert.Equal(
            [("w", "W", 5L, 1), ("v", "New V", 3L, 2)],
            (await store.GetConversationsAsync("u", 10, 1000, CancellationToken.None)).Select(c => (c.UserId, c.UserName, c.LastMessage.Id, c.UnreadCount)));
        Assert.Equal(5, Assert.Single(added.DirectMessages).Id);
        Assert.Equal(9L, await ReadVersionAsync(connectionString));
    }

    [Fact]
    public async Task AVersion3FileIsUpgradedAndItsMessagesBecomeMessageEntriesThatCanBeEdited()
    {
        var connectionString = $"Data Source={Path.Combine(_directory.FullName, "v3.db")}";
        await using (var v3 = Create(connectionString))
        {
            // A file of this build is made by upgrading: take it back to version 3's messages table, with two messages.
            await v3.InitializeAsync(CancellationToken.None);
        }

        await using (var downgrade = new SqliteConnection(connectionString))
        {
            await downgrade.OpenAsync();
            await using var command = downgrade.CreateCommand();
            command.CommandText = $"""
                {UndoVersion7Sql}
                DROP INDEX messages_target;
                ALTER TABLE messages DROP COLUMN kind;
                ALTER TABLE messages DROP COLUMN target_id;
                ALTER TABLE messages DROP COLUMN edited_at;
                ALTER TABLE messages DROP COLUMN deleted_at;
                UPDATE schema_version SET version = 3;
                INSERT INTO rooms (name, last_id) VALUES ('a', 2);
                INSERT INTO messages (room, id, user_id, user_name, text, sent_at, client_message_id)
                VALUES ('a', 1, 'u', 'U', CAST('old one' AS BLOB), 1764590400000, 'c-1'), ('a', 2, 'v', 'V', CAST('old two' AS BLOB), 1764590400001, NULL);
                """;
            await command.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        await using var store = Create(connectionString);
        await store.InitializeAsync(CancellationToken.None);
        var edited = await store.AppendAsync(
            new WriteBatch([], [], DateTime.UtcNow, [new("a", "u", "U", MessageKinds.Edit, 1, "old one, edited", EditWindow: TimeSpan.FromDays(36500))]),
            null,
            CancellationToken.None);

        var history = await store.GetLatestAsync("a", 10, CancellationToken.None);
        Assert.Equal(
            [(1L, "old one, edited", MessageKinds.Message, "c-1", true), (2L, "old two", MessageKinds.Message, null, false), (3L, "old one, edited", MessageKinds.Edit, null, false)],
            history.Select(m => (m.Id, m.Text, m.Kind, m.ClientMessageId, m.EditedAt is not null)));
        Assert.Equal(RoomChangeOutcome.Stored, Assert.Single(edited.ChangeAnswers!).Outcome);
        Assert.Equal(9L, await ReadVersionAsync(connectionString));
    }

    [Fact]
    public async Task AVersion5FileIsUpgradedAndItsDirectMessagesBecomeMessageEntriesThatCanBeEditedAndReactedTo()
    {
        var connectionString = $"Data Source={Path.Combine(_directory.FullName, "v5.db")}";
        await using (var v5 = Create(connectionString))
        {
            await v5.InitializeAsync(CancellationToken.None);
            await v5.AppendAsync(new WriteBatch([new("a", "u", "U", "room one")], [new("u", "U", "v", "direct one", "c-1"), new("v", "V", "u", "direct two")], DateTime.UtcNow), null, CancellationToken.None);
        }

        // A file of this build is made by upgrading: take it back to version 5's tables, keeping the rows.
        await using (var downgrade = new SqliteConnection(connectionString))
        {
            await downgrade.OpenAsync();
            await using var command = downgrade.CreateCommand();
            command.CommandText = $"""
                {UndoVersion7Sql}
                UPDATE schema_version SET version = 5;
                """;
            await command.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        await using var store = Create(connectionString);
        await store.InitializeAsync(CancellationToken.None);
        var changed = await store.AppendAsync(
            new WriteBatch(
                [],
                [],
                DateTime.UtcNow,
                [new("a", "v", "V", MessageKinds.React, 1, "👍", MaxReactionKinds: 20)],
                [new("u", "U", MessageKinds.Edit, 1, "direct one, edited", EditWindow: TimeSpan.FromDays(36500)), new("u", "U", MessageKinds.React, 2, "👀", MaxReactionKinds: 20)]),
            null,
            CancellationToken.None);

        Assert.Equal([RoomChangeOutcome.Stored, RoomChangeOutcome.Stored], changed.DirectChangeAnswers!.Select(a => a.Outcome));
        Assert.Equal("👍", Assert.Single((await store.GetAfterAsync("a", 0, 1, CancellationToken.None)).Single().Reactions!).Emoji);
        var conversation = await store.GetConversationBeforeAsync("u", "v", long.MaxValue, 10, CancellationToken.None);
        Assert.Equal(
            [(1L, MessageKinds.Message, "direct one, edited", "c-1", false), (2L, MessageKinds.Message, "direct two", null, true), (3L, MessageKinds.Edit, "direct one, edited", null, false), (4L, MessageKinds.React, "👀", null, false)],
            conversation.Select(m => (m.Id, m.Kind, m.Text, m.ClientMessageId, m.Reactions is not null)));
        Assert.Equal(9L, await ReadVersionAsync(connectionString));
    }

    private static async Task<object?> ReadVersionAsync(string connectionString)
    {
        await using var check = new SqliteConnection(connectionString);
        await check.OpenAsync();
        await using var version = check.CreateCommand();
        version.CommandText = "SELECT MAX(version) FROM schema_version;";
        return await version.ExecuteScalarAsync();
    }

    [Fact]
    public async Task AVersion5FileIsUpgradedKeepsItsDataFindsItsMentionsAndTakesThreads()
    {
        var connectionString = $"Data Source={Path.Combine(_directory.FullName, "v5.db")}";
        await using (var v5 = Create(connectionString))
        {
            // A file of this build is made by upgrading: take it back to version 5's messages table, with two messages.
            await v5.InitializeAsync(CancellationToken.None);
        }

        await using (var downgrade = new SqliteConnection(connectionString))
        {
            await downgrade.OpenAsync();
            await using var command = downgrade.CreateCommand();
            command.CommandText = """
                DROP INDEX messages_thread;
                DROP TABLE message_mentions;
                ALTER TABLE messages DROP COLUMN reply_to_id;
                ALTER TABLE messages DROP COLUMN thread_id;
                ALTER TABLE messages DROP COLUMN reply_count;
                ALTER TABLE messages DROP COLUMN last_reply_at;
                ALTER TABLE messages DROP COLUMN participants;
                ALTER TABLE messages DROP COLUMN mentions;
                UPDATE schema_version SET version = 5;
                INSERT INTO rooms (name, last_id) VALUES ('a', 2);
                INSERT INTO messages (room, id, user_id, user_name, text, sent_at, client_message_id, kind)
                VALUES ('a', 1, 'u', 'U', CAST('hi @Bob.' AS BLOB), 1764590400000, 'c-1', 'message'), ('a', 2, 'v', 'V', CAST('old two' AS BLOB), 1764590400001, NULL, 'message');
                """;
            await command.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        await using var store = Create(connectionString);
        await store.InitializeAsync(CancellationToken.None);
        var reply = await store.AppendAsync(new WriteBatch([new("a", "bob", "Bob", "answer", ThreadId: 1)], [], DateTime.UtcNow), null, CancellationToken.None);

        var history = await store.GetLatestAsync("a", 10, CancellationToken.None);
        Assert.Equal(
            [(1L, "hi @Bob.", "c-1", "bob", 1), (2L, "old two", null, "", 0), (3L, "answer", null, "", 0)],
            history.Select(m => (m.Id, m.Text, m.ClientMessageId, string.Join(' ', m.Mentions ?? []), m.Thread?.ReplyCount ?? 0)));
        Assert.Equal(1L, reply.Messages[0].ThreadId);
        Assert.Equal(1, (await ((IReadMarkerStore)store).GetRoomReadStateAsync("bob", "a", 1000, CancellationToken.None)).MentionCount);
        Assert.Equal(9L, await ReadVersionAsync(connectionString));
    }

    private protected override async Task<OpenStore> OpenAsync(int? maxPerRoom = null)
    {
        var store = Create($"Data Source={Path.Combine(_directory.FullName, "store.db")}", maxPerRoom);
        await store.InitializeAsync(CancellationToken.None);
        return new OpenStore(store, store);
    }

    private protected override OpenStore CreateBroken()
    {
        var store = Create($"Data Source={Path.Combine(_directory.FullName, "missing", "x.db")};Mode=ReadWrite");
        return new OpenStore(store, store);
    }

    private static SqliteMessageStore Create(string connectionString, int? maxPerRoom = null) =>
        new(Options.Create(new StorageOptions { SqliteConnectionString = connectionString }), Options.Create(new RetentionOptions { MaxMessagesPerRoom = maxPerRoom ?? 10_000 }));
}
