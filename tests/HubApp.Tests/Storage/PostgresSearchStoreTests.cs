using HubApp.Storage;
using HubApp.Testing;
using HubApp.Tests.ScaleOut;
using Microsoft.Extensions.Options;

namespace HubApp.Tests.Storage;

/// <summary>Search on the PostgreSQL store's full-text index, on a fresh database of the test cluster.</summary>
[Collection(PostgresCluster.Name)]
public sealed class PostgresSearchStoreTests : SearchStoreTests
{
    private TestPostgres _database = null!;

    public override async Task InitializeAsync() => _database = await TestPostgres.CreateAsync();

    public override async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task OnlyADirectMessagesMessageEntriesAreIndexed()
    {
        // Rows as a conversation's log writes them: an edit a row of its own, a deletion emptying the target in place.
        await using var opened = await OpenAsync();
        await opened.Store.AppendAsync(new WriteBatch([], [new("u", "U", "v", "walrus before")], DateTime.UtcNow), null, CancellationToken.None);
        await using (var dataSource = _database.CreateDataSource())
        await using (var command = dataSource.CreateCommand("""
            INSERT INTO direct_messages (from_user_id, from_user_name, to_user_id, text, sent_at, conversation, kind)
            VALUES ('u', 'U', 'v', convert_to('walrus edited', 'UTF8'), 1764590400000, 'u' || chr(31) || 'v', 'edit'),
                ('u', 'U', 'v', convert_to('walrus message', 'UTF8'), 1764590400001, 'u' || chr(31) || 'v', 'message');
            UPDATE direct_messages SET text = '\x'::bytea, deleted_at = 1764590400002 WHERE id = 1;
            """))
        {
            await command.ExecuteNonQueryAsync().DefaultTimeout();
        }

        Assert.Equal([3L], (await opened.Search.SearchDirectMessagesAsync(SearchWords.Parse("walrus")!, "u", null, 50, CancellationToken.None)).Select(m => m.Id));
    }

    [Fact]
    public async Task ADatabaseWithoutTheSearchComponentIsUpgradedAndWhatItHoldsBecomesSearchable()
    {
        await using (var current = await OpenAsync())
        {
            // A database of this build is made by upgrading: take it back to before search, holding a message, a deleted
            // one, an edit entry and a direct message.
        }

        await using (var dataSource = _database.CreateDataSource())
        await using (var command = dataSource.CreateCommand("""
            DROP TRIGGER messages_search ON messages; DROP TRIGGER direct_messages_search ON direct_messages;
            ALTER TABLE messages DROP COLUMN search_words; ALTER TABLE direct_messages DROP COLUMN search_words;
            DROP FUNCTION hubapp_messages_search(), hubapp_direct_messages_search(), hubapp_search_query(text),
                hubapp_search_vector(bytea), hubapp_search_text(bytea), hubapp_search_words(text);
            DELETE FROM hubapp_schema WHERE component = 'search';
            INSERT INTO rooms (name, last_id) VALUES ('a', 3);
            INSERT INTO messages (room, id, user_id, user_name, text, sent_at, kind, target_id, deleted_at) VALUES
                ('a', 1, 'u', 'U', convert_to('kept from before', 'UTF8'), 1764590400000, 'message', NULL, NULL),
                ('a', 2, 'u', 'U', '\x'::bytea, 1764590400001, 'message', NULL, 1764590400009),
                ('a', 3, 'u', 'U', convert_to('kept as an edit', 'UTF8'), 1764590400002, 'edit', 1, NULL);
            INSERT INTO direct_messages (from_user_id, from_user_name, to_user_id, text, sent_at, conversation)
            VALUES ('u', 'U', 'v', convert_to('kept direct', 'UTF8'), 1764590400003, 'u' || chr(31) || 'v');
            """))
        {
            await command.ExecuteNonQueryAsync().DefaultTimeout();
        }

        await using var upgraded = await OpenAsync();
        var kept = SearchWords.Parse("kept")!;

        Assert.Equal([1L], (await upgraded.Search.SearchMessagesAsync(kept, ["a"], null, 50, CancellationToken.None)).Select(m => m.Id));
        Assert.Equal([1L], (await upgraded.Search.SearchDirectMessagesAsync(kept, "v", null, 50, CancellationToken.None)).Select(m => m.Id));
    }

    private protected override async Task<OpenSearchStore> OpenAsync(int? maxPerRoom = null)
    {
        var dataSource = _database.CreateDataSource();
        var store = new PostgresMessageStore(dataSource, Options.Create(new RetentionOptions { MaxMessagesPerRoom = maxPerRoom ?? 10_000 }));
        await store.InitializeAsync(CancellationToken.None).DefaultTimeout();
        return new OpenSearchStore(store, store, store, dataSource);
    }
}
