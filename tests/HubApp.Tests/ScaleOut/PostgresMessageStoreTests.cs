using HubApp.Contracts;
using HubApp.Storage;
using HubApp.Testing;
using HubApp.Tests.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HubApp.Tests.ScaleOut;

/// <summary>The PostgreSQL store on a fresh database of the test cluster: the shared store tests, and what several nodes add.</summary>
[Collection(PostgresCluster.Name)]
public sealed class PostgresMessageStoreTests : MessageStoreTests
{
    private static readonly string[] Rooms = ["a", "b"];

    private TestPostgres _database = null!;

    public override async Task InitializeAsync() => _database = await TestPostgres.CreateAsync();

    public override async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task NodesStartingTogetherCreateTheSchemaOnce()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => OpenAsync()))).DefaultTimeout(TestTimeouts.Slow);
        try
        {
            var result = await stores[3].Store.AppendAsync(new WriteBatch([new("a", "u", "U", "x")], [], DateTime.UtcNow), null, CancellationToken.None);
            Assert.Equal(1, result.Messages[0].Id);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ConcurrentWritersOnSeveralNodesGetStrictlyIncreasingIdsPerRoom()
    {
        const int Nodes = 3, Batches = 40;
        var stores = new List<OpenStore>();
        for (var i = 0; i < Nodes; i++)
        {
            stores.Add(await OpenAsync());
        }

        try
        {
            // Batches over two rooms in opposite orders: the counter rows are locked in one order, so no deadlock.
            var results = await Task.WhenAll(stores.Select((store, node) => Task.Run(async () =>
            {
                var ids = new List<(string Room, long Id)>();
                for (var b = 0; b < Batches; b++)
                {
                    var rooms = node % 2 == 0 ? ("a", "b") : ("b", "a");
                    var batch = new WriteBatch([new(rooms.Item1, "u", "U", $"{node}-{b}-1"), new(rooms.Item2, "u", "U", $"{node}-{b}-2"), new(rooms.Item1, "u", "U", $"{node}-{b}-3")], [], DateTime.UtcNow);
                    var stored = await store.Store.AppendAsync(batch, null, CancellationToken.None);
                    ids.AddRange(stored.Messages.Select(m => (m.Room, m.Id)));
                }

                return ids;
            }))).DefaultTimeout(TestTimeouts.Slow);

            foreach (var room in Rooms)
            {
                // Each writer sees its own ids of a room strictly increasing; together they are 1..N without gaps or repeats.
                Assert.All(results, r => Assert.True(r.Where(x => x.Room == room).Select(x => x.Id).Zip(r.Where(x => x.Room == room).Select(x => x.Id).Skip(1)).All(p => p.First < p.Second)));
                var all = results.SelectMany(r => r).Where(x => x.Room == room).Select(x => x.Id).Order().ToArray();
                Assert.Equal(Enumerable.Range(1, all.Length).Select(i => (long)i), all);
                var history = await stores[0].Store.GetAfterAsync(room, 0, 1000, CancellationToken.None);
                Assert.Equal(all, history.Select(m => m.Id));
            }
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task RepeatsOnSeveralNodesAtOnceAreStoredOnceAndNoBatchFails()
    {
        const int Nodes = 3, Rounds = 20;
        var stores = new List<OpenStore>();
        for (var i = 0; i < Nodes; i++)
        {
            stores.Add(await OpenAsync());
        }

        try
        {
            // Every node sends the same keyed message and direct message of each round (a client retrying through
            // each node), beside a message of its own; keys of two rounds in opposite orders, so locks cross.
            var results = await Task.WhenAll(stores.Select((store, node) => Task.Run(async () =>
            {
                var answers = new List<AppendResult>();
                for (var r = 0; r < Rounds; r++)
                {
                    var keys = node % 2 == 0 ? ($"k{r}", $"k{r}b") : ($"k{r}b", $"k{r}");
                    var batch = new WriteBatch(
                        [new("a", "u", "U", $"m{r}", $"k{r}"), new("a", $"n{node}", "N", $"own {node}-{r}")],
                        [new("u", "U", "v", $"d{r}", keys.Item1), new("u", "U", "v", $"d{r}", keys.Item2)],
                        DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).UtcDateTime);
                    answers.Add(await store.Store.AppendAsync(batch, null, CancellationToken.None));
                }

                return answers;
            }))).DefaultTimeout(TestTimeouts.Slow);

            var history = await stores[0].Store.GetAfterAsync("a", 0, 1000, CancellationToken.None);
            Assert.Equal(Enumerable.Range(1, Rounds + (Nodes * Rounds)).Select(i => (long)i), history.Select(m => m.Id));
            for (var r = 0; r < Rounds; r++)
            {
                var stored = Assert.Single(history, m => m.ClientMessageId == $"k{r}");
                Assert.All(results, node => Assert.Equal(stored, node[r].MessageAnswers[0]));
                Assert.Single(results.SelectMany(node => node[r].Messages), m => m.ClientMessageId == $"k{r}");
                Assert.Equal(2, results.SelectMany(node => node[r].DirectMessages).Count());
                Assert.Single(results.Select(node => node[r].DirectAnswers.OrderBy(m => m!.Id).First()).Distinct());
            }
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AVersion1DatabaseIsUpgradedAndKeepsItsMessages()
    {
        await using (var dataSource = _database.CreateDataSource())
        await using (var create = dataSource.CreateCommand("""
            CREATE TABLE hubapp_schema (component text PRIMARY KEY, version integer NOT NULL);
            INSERT INTO hubapp_schema VALUES ('store', 1);
            CREATE TABLE rooms (name text PRIMARY KEY, last_id bigint NOT NULL);
            CREATE TABLE messages (
                room text NOT NULL, id bigint NOT NULL, user_id text NOT NULL, user_name text NOT NULL,
                text bytea NOT NULL, sent_at bigint NOT NULL, PRIMARY KEY (room, id));
            CREATE TABLE direct_messages (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, from_user_id text NOT NULL, from_user_name text NOT NULL,
                to_user_id text NOT NULL, text bytea NOT NULL, sent_at bigint NOT NULL);
            INSERT INTO rooms VALUES ('a', 1), ('c', 1);
            INSERT INTO messages VALUES ('a', 1, 'u', 'U', convert_to('old', 'UTF8'), 1764590400000);
            INSERT INTO messages VALUES ('c', 1, 'u', 'U', convert_to('old, for @Bob', 'UTF8'), 1764590400000);
            """))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using var opened = await OpenAsync();
        await opened.Store.AppendAsync(new WriteBatch([new("a", "u", "U", "new", "c-1"), new("a", "u", "U", "new", "c-1")], [], DateTime.UtcNow), null, CancellationToken.None);

        Assert.Equal([(1L, "old", (string?)null), (2L, "new", "c-1")], (await opened.Store.GetLatestAsync("a", 10, CancellationToken.None)).Select(m => (m.Id, m.Text, m.ClientMessageId)));
        await using var check = _database.CreateDataSource();
        await using var version = check.CreateCommand("SELECT version FROM hubapp_schema WHERE component = 'store';");
        Assert.Equal(7, await version.ExecuteScalarAsync());

        // Version 5 found the mentions of what was stored before, and an old message takes thread replies.
        var thread = await opened.Store.AppendAsync(new WriteBatch([new("c", "bob", "Bob", "an answer", ThreadId: 1)], [], DateTime.UtcNow), null, CancellationToken.None);
        var old = Assert.Single(await opened.Store.GetByIdsAsync("c", [1], CancellationToken.None));
        Assert.Equal((2L, "bob", 1, "u bob"), (thread.Messages[0].Id, string.Join(' ', old.Mentions!), old.Thread!.ReplyCount, string.Join(' ', old.Thread.ParticipantIds)));
        Assert.Equal(1, (await ((IReadMarkerStore)opened.Store).GetRoomReadStateAsync("bob", "c", 1000, CancellationToken.None)).MentionCount);

        // What v2 added works on the upgraded schema: a room is created, a message edited and an old one deleted.
        var rooms = (IRoomStore)opened.Store;
        Assert.Equal(RoomCreation.Created, await rooms.CreateRoomAsync(new NewRoom("b", RoomKinds.Private, "kept", "u", "U", DateTime.UtcNow), claimOpen: false, CancellationToken.None));
        var changed = await opened.Store.AppendAsync(
            new WriteBatch([], [], DateTime.UtcNow, [new("a", "u", "U", MessageKinds.Edit, 2, "new, edited", EditWindow: TimeSpan.FromDays(1)), new("a", "u", "U", MessageKinds.Delete, 1, string.Empty)]),
            null,
            CancellationToken.None);
        Assert.Equal([RoomChangeOutcome.Stored, RoomChangeOutcome.Stored], changed.ChangeAnswers!.Select(a => a.Outcome));
        var created = await rooms.GetRoomAsync("b", CancellationToken.None);
        Assert.Equal((RoomKinds.Private, "u", "kept"), (created.Kind, created.OwnerId, created.Topic));
        Assert.Equal(
            [(1L, "", true), (2L, "new, edited", false), (3L, "new, edited", false), (4L, "", false)],
            (await opened.Store.GetAfterAsync("a", 0, 10, CancellationToken.None)).Select(m => (m.Id, m.Text, m.DeletedAt is not null)));
    }

    [Fact]
    public async Task TheDatabaseRowsNoLongerHoldADeletedTextNorItsEditedVersions()
    {
        await using var opened = await OpenAsync();
        var store = opened.Store;
        await store.AppendAsync(new WriteBatch([new("a", "u", "U", "first version")], [], DateTime.UtcNow), null, CancellationToken.None);
        await store.AppendAsync(new WriteBatch([new("a", "u", "U", "kept")], [], DateTime.UtcNow, [new("a", "u", "U", MessageKinds.Edit, 1, "second version", EditWindow: TimeSpan.FromDays(1))]), null, CancellationToken.None);

        await store.AppendAsync(new WriteBatch([], [], DateTime.UtcNow, [new("a", "u", "U", MessageKinds.Delete, 1, string.Empty)]), null, CancellationToken.None);

        await using var check = _database.CreateDataSource();
        await using var rows = check.CreateCommand("SELECT id, kind, text FROM messages WHERE room = 'a' ORDER BY id;");
        var texts = new List<(long, string, string)>();
        await using (var reader = await rows.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                texts.Add((reader.GetInt64(0), reader.GetString(1), System.Text.Encoding.UTF8.GetString(reader.GetFieldValue<byte[]>(2))));
            }
        }

        // In one batch the message comes before the edit: 2 is "kept", 3 the (now emptied) edit, 4 the delete.
        Assert.Equal([(1L, MessageKinds.Message, ""), (2L, MessageKinds.Message, "kept"), (3L, MessageKinds.Edit, ""), (4L, MessageKinds.Delete, "")], texts);
    }

    [Fact]
    public async Task AVersion4DatabaseIsUpgradedAndItsDirectMessagesBecomeMessageEntriesThatCanBeEditedAndReactedTo()
    {
        await using (var v4 = await OpenAsync())
        {
            await v4.Store.AppendAsync(new WriteBatch([], [new("u", "U", "v", "direct one", "c-1"), new("v", "V", "u", "direct two")], DateTime.UtcNow), null, CancellationToken.None);
        }

        // Back to version 4's tables, keeping the rows.
        await using (var dataSource = _database.CreateDataSource())
        await using (var downgrade = dataSource.CreateCommand("""
            DROP TABLE reactions;
            ALTER TABLE messages DROP COLUMN reactions;
            ALTER TABLE direct_messages DROP COLUMN kind, DROP COLUMN target_id, DROP COLUMN edited_at, DROP COLUMN deleted_at,
                DROP COLUMN reply_to_id, DROP COLUMN reactions;
            UPDATE hubapp_schema SET version = 4 WHERE component = 'store';
            """))
        {
            await downgrade.ExecuteNonQueryAsync();
        }

        await using var opened = await OpenAsync();
        var changed = await opened.Store.AppendAsync(
            new WriteBatch(
                [],
                [],
                DateTime.UtcNow,
                DirectChanges: [new("u", "U", MessageKinds.Edit, 1, "direct one, edited", EditWindow: TimeSpan.FromDays(1)), new("u", "U", MessageKinds.React, 2, "👀", MaxReactionKinds: 20)]),
            null,
            CancellationToken.None);

        Assert.Equal([RoomChangeOutcome.Stored, RoomChangeOutcome.Stored], changed.DirectChangeAnswers!.Select(a => a.Outcome));
        var conversation = await ((IDirectMessageStore)opened.Store).GetConversationBeforeAsync("u", "v", long.MaxValue, 10, CancellationToken.None);
        Assert.Equal(
            [(1L, MessageKinds.Message, "direct one, edited", "c-1", false), (2L, MessageKinds.Message, "direct two", null, true), (3L, MessageKinds.Edit, "direct one, edited", null, false), (4L, MessageKinds.React, "👀", null, false)],
            conversation.Select(m => (m.Id, m.Kind, m.Text, m.ClientMessageId, m.Reactions is not null)));
        await using var check = _database.CreateDataSource();
        await using var version = check.CreateCommand("SELECT version FROM hubapp_schema WHERE component = 'store';");
        Assert.Equal(7, await version.ExecuteScalarAsync());
    }

    private protected override async Task<OpenStore> OpenAsync(int? maxPerRoom = null)
    {
        var dataSource = _database.CreateDataSource();
        var store = new PostgresMessageStore(dataSource, Options.Create(new RetentionOptions { MaxMessagesPerRoom = maxPerRoom ?? 10_000 }));
        await store.InitializeAsync(CancellationToken.None).DefaultTimeout();
        return new OpenStore(store, store, dataSource);
    }

    private protected override OpenStore CreateBroken()
    {
        // A port nothing listens on: the cluster's own port plus nothing is not guaranteed free, port 1 is.
        var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Port = 1, Timeout = 3 }.ConnectionString);
        var store = new PostgresMessageStore(dataSource, Options.Create(new RetentionOptions()));
        return new OpenStore(store, store, dataSource);
    }
}
