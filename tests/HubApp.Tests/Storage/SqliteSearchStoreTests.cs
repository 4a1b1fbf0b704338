using HubApp.Contracts;
using HubApp.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace HubApp.Tests.Storage;

/// <summary>Search on the SQLite store's FTS5 index, on a real file.</summary>
public sealed class SqliteSearchStoreTests : SearchStoreTests
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("hubapp-search-");

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ADeletedOrEditedTextLeavesTheIndexItself()
    {
        await using var opened = await OpenAsync();
        await opened.Store.AppendAsync(
            new WriteBatch([new("a", "u", "U", "zanzibar plans"), new("a", "u", "U", "quixotic draft")], [new("u", "U", "v", "xylophone note")], DateTime.UtcNow), null, CancellationToken.None);
        Assert.Equal(["quixotic", "xylophone", "zanzibar"], await TermsAsync("quixotic", "xylophone", "zanzibar"));

        await opened.Store.AppendAsync(
            new WriteBatch([], [], DateTime.UtcNow, [new("a", "u", "U", MessageKinds.Delete, 1, string.Empty), new("a", "u", "U", MessageKinds.Edit, 2, "plain draft", EditWindow: TimeSpan.FromDays(1))]),
            null,
            CancellationToken.None);
        await using (var connection = new SqliteConnection(ConnectionString))
        {
            // A direct message's text emptied in place, as its deletion does.
            await connection.OpenAsync();
            await using var empty = connection.CreateCommand();
            empty.CommandText = "UPDATE direct_messages SET text = CAST('' AS BLOB) WHERE id = 1;";
            await empty.ExecuteNonQueryAsync();
        }

        // Not only unfound: the words are gone from the index's own pages (secure-delete), where a plain FTS5 delete
        // would leave them there until a merge.
        Assert.Empty(await TermsAsync("quixotic", "xylophone", "zanzibar"));
        Assert.Equal(["draft", "plain"], await TermsAsync("draft", "plain"));
        await using var check = new SqliteConnection(ConnectionString);
        await check.OpenAsync();
        await using var integrity = check.CreateCommand();
        // Each 'delete' took out what was indexed: FTS5 finds its index consistent.
        integrity.CommandText = """
            INSERT INTO message_search (message_search) VALUES ('integrity-check');
            INSERT INTO direct_message_search (direct_message_search) VALUES ('integrity-check');
            """;
        await integrity.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task OnlyADirectMessagesMessageEntriesAreIndexed()
    {
        // Rows as a conversation's log writes them: an edit a row of its own, a deletion emptying the target in place.
        await using var opened = await OpenAsync();
        await opened.Store.AppendAsync(new WriteBatch([], [new("u", "U", "v", "walrus before")], DateTime.UtcNow), null, CancellationToken.None);
        await ExecuteAsync("""
            INSERT INTO direct_messages (from_user_id, from_user_name, to_user_id, text, sent_at, conversation, kind)
            VALUES ('u', 'U', 'v', CAST('walrus edited' AS BLOB), 1764590400000, 'u' || char(31) || 'v', 'edit'),
                ('u', 'U', 'v', CAST('walrus message' AS BLOB), 1764590400001, 'u' || char(31) || 'v', 'message');
            UPDATE direct_messages SET text = CAST('' AS BLOB), deleted_at = 1764590400002 WHERE id = 1;
            """);

        Assert.Equal([3L], (await opened.Search.SearchDirectMessagesAsync(SearchWords.Parse("walrus")!, "u", null, 50, CancellationToken.None)).Select(m => m.Id));
        Assert.Empty(await TermsAsync("before", "edited"));
    }

    [Fact]
    public async Task AFileOfThePreviousVersionIsUpgradedAndWhatItHoldsBecomesSearchable()
    {
        var connectionString = ConnectionString;
        await using (var current = await OpenAsync())
        {
            // A file of this build is made by upgrading: take it back to the version before search, holding a message, a
            // deleted one, an edit entry and a direct message.
        }

        await using (var downgrade = new SqliteConnection(connectionString))
        {
            await downgrade.OpenAsync();
            await using var command = downgrade.CreateCommand();
            command.CommandText = """
                DROP TRIGGER messages_search_insert; DROP TRIGGER messages_search_update; DROP TRIGGER messages_search_delete;
                DROP TRIGGER direct_messages_search_insert; DROP TRIGGER direct_messages_search_update; DROP TRIGGER direct_messages_search_delete;
                DROP TABLE message_search; DROP TABLE direct_message_search; DROP TABLE message_search_keys;
                UPDATE schema_version SET version = 7;
                INSERT INTO rooms (name, last_id) VALUES ('a', 3);
                INSERT INTO messages (room, id, user_id, user_name, text, sent_at, kind, target_id, deleted_at) VALUES
                    ('a', 1, 'u', 'U', CAST('kept from before' AS BLOB), 1764590400000, 'message', NULL, NULL),
                    ('a', 2, 'u', 'U', CAST('' AS BLOB), 1764590400001, 'message', NULL, 1764590400009),
                    ('a', 3, 'u', 'U', CAST('kept as an edit' AS BLOB), 1764590400002, 'edit', 1, NULL);
                INSERT INTO direct_messages (from_user_id, from_user_name, to_user_id, text, sent_at, conversation)
                VALUES ('u', 'U', 'v', CAST('kept direct' AS BLOB), 1764590400003, 'u' || char(31) || 'v');
                """;
            await command.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        await using var upgraded = await OpenAsync();
        var kept = SearchWords.Parse("kept")!;

        Assert.Equal([1L], (await upgraded.Search.SearchMessagesAsync(kept, ["a"], null, 50, CancellationToken.None)).Select(m => m.Id));
        Assert.Equal([1L], (await upgraded.Search.SearchDirectMessagesAsync(kept, "v", null, 50, CancellationToken.None)).Select(m => m.Id));
        await using var check = new SqliteConnection(connectionString);
        await check.OpenAsync();
        await using var version = check.CreateCommand();
        version.CommandText = "SELECT MAX(version) FROM schema_version;";
        Assert.Equal(9L, await version.ExecuteScalarAsync());
    }

    private string ConnectionString => $"Data Source={Path.Combine(_directory.FullName, "store.db")}";

    private protected override async Task<OpenSearchStore> OpenAsync(int? maxPerRoom = null)
    {
        var store = new SqliteMessageStore(
            Options.Create(new StorageOptions { SqliteConnectionString = ConnectionString }),
            Options.Create(new RetentionOptions { MaxMessagesPerRoom = maxPerRoom ?? 10_000 }));
        await store.InitializeAsync(CancellationToken.None);
        return new OpenSearchStore(store, store, store);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Which of <paramref name="terms"/> the bytes of either search table's index (its shadow table of pages) hold, in order.</summary>
    private async Task<List<string>> TermsAsync(params string[] terms)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        var found = new List<string>();
        foreach (var term in terms)
        {
            await using var query = connection.CreateCommand();
            query.CommandText = """
                SELECT EXISTS (SELECT 1 FROM message_search_data WHERE instr(block, CAST(@term AS BLOB)) > 0)
                    OR EXISTS (SELECT 1 FROM direct_message_search_data WHERE instr(block, CAST(@term AS BLOB)) > 0);
                """;
            query.Parameters.AddWithValue("@term", term);
            if (Convert.ToInt64(await query.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) == 1)
            {
                found.Add(term);
            }
        }

        return found;
    }
}
