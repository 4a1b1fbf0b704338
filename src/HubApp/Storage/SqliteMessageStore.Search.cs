using System.Data.Common;
using System.Globalization;

namespace HubApp.Storage;

// Search on FTS5 (schema version 8). Both tables are contentless (they keep no copy of a text) and secure-delete (a text
// taken out leaves the index's pages at once, rather than at some later merge): a text is taken out with FTS5's 'delete'
// command and the very text that was indexed, which the triggers have as the old row. messages has no rowid (WITHOUT
// ROWID, keyed by room and id): message_search_keys gives each indexed entry one, and holds exactly the indexed entries;
// direct_message_search uses the direct message's id. The index follows the tables by triggers, whoever writes them: an
// insert of a message entry adds it, a rewrite of its text (an edit; a delete empties it) replaces it, a removal
// (pruning) takes it out.
internal sealed partial class SqliteMessageStore
{
    // Words are runs of letters and decimal digits (SearchWords), as PostgreSQL's index cuts them; case folded.
    private const string SearchTokenizer = "tokenize=\"unicode61 remove_diacritics 0 categories 'L* Nd'\"";

    protected override string MessageSearchSql(bool oneRoom) => $"""
        SELECT k.room, k.id FROM message_search
        JOIN message_search_keys k ON k.search_key = message_search.rowid
        JOIN messages m ON m.room = k.room AND m.id = k.id
        WHERE message_search MATCH @match AND k.room IN (SELECT value FROM json_each(@rooms)) AND k.id < @before
            AND m.kind = 'message' AND m.deleted_at IS NULL
        ORDER BY {(oneRoom ? "k.id DESC" : "m.sent_at DESC, k.room, k.id DESC")} LIMIT @limit;
        """;

    protected override string DirectSearchSql(bool oneConversation) => $"""
        SELECT d.id FROM direct_message_search JOIN direct_messages d ON d.id = direct_message_search.rowid
        WHERE direct_message_search MATCH @match AND {(oneConversation ? "d.conversation = @conversation" : "(d.from_user_id = @user OR d.to_user_id = @user)")}
        ORDER BY d.id DESC LIMIT @limit;
        """;

    // Every word a quoted string (a quote inside doubled), so no user text is FTS5 syntax; the last one a prefix.
    protected override string SearchMatch(SearchWords words) =>
        string.Join(' ', words.Words.Select((w, i) => $"\"{w.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" + (i == words.Words.Count - 1 ? "*" : string.Empty)));

    /// <summary>
    /// Version 8: the search tables, filled from what is stored (one transaction, as the upgrades before it). Made afresh,
    /// should a file that says it is older hold them already.
    /// </summary>
    private static async Task UpgradeToVersion8Async(DbConnection connection, CancellationToken cancellationToken)
    {
        var direct = await DirectSearchableAsync(connection, "d", cancellationToken);
        await ExecuteAsync(connection, $"""
            BEGIN IMMEDIATE;
            DROP TABLE IF EXISTS message_search_keys;
            DROP TABLE IF EXISTS message_search;
            DROP TABLE IF EXISTS direct_message_search;
            CREATE TABLE message_search_keys (search_key INTEGER PRIMARY KEY, room TEXT NOT NULL, id INTEGER NOT NULL, UNIQUE (room, id));
            CREATE VIRTUAL TABLE message_search USING fts5(text, content='', {SearchTokenizer});
            CREATE VIRTUAL TABLE direct_message_search USING fts5(text, content='', {SearchTokenizer});
            INSERT INTO message_search (message_search, rank) VALUES ('secure-delete', 1);
            INSERT INTO direct_message_search (direct_message_search, rank) VALUES ('secure-delete', 1);
            INSERT INTO message_search_keys (room, id) SELECT room, id FROM messages m WHERE {MessageSearchable("m")} ORDER BY room, id;
            INSERT INTO message_search (rowid, text)
                SELECT k.search_key, {SearchText("m.text")} FROM message_search_keys k JOIN messages m ON m.room = k.room AND m.id = k.id;
            INSERT INTO direct_message_search (rowid, text) SELECT d.id, {SearchText("d.text")} FROM direct_messages d WHERE {direct};
            UPDATE schema_version SET version = 8;
            COMMIT;
            """, cancellationToken);
    }

    /// <summary>
    /// (Re)makes the triggers that keep the search tables current, at every start after the upgrades: what makes a direct
    /// message searchable depends on the columns direct_messages has by then (a <c>kind</c>, a <c>deleted_at</c>).
    /// </summary>
    private static async Task CreateSearchTriggersAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var newDirect = await DirectSearchableAsync(connection, "new", cancellationToken);
        var oldDirect = await DirectSearchableAsync(connection, "old", cancellationToken);
        const string RemoveOld = $"""
            INSERT INTO message_search (message_search, rowid, text)
                SELECT 'delete', search_key, {OldText} FROM message_search_keys WHERE room = old.room AND id = old.id;
            DELETE FROM message_search_keys WHERE room = old.room AND id = old.id;
            """;
        await ExecuteAsync(connection, $"""
            BEGIN IMMEDIATE;
            DROP TRIGGER IF EXISTS messages_search_insert;
            DROP TRIGGER IF EXISTS messages_search_update;
            DROP TRIGGER IF EXISTS messages_search_delete;
            DROP TRIGGER IF EXISTS direct_messages_search_insert;
            DROP TRIGGER IF EXISTS direct_messages_search_update;
            DROP TRIGGER IF EXISTS direct_messages_search_delete;
            CREATE TRIGGER messages_search_insert AFTER INSERT ON messages WHEN {MessageSearchable("new")} BEGIN
                INSERT INTO message_search_keys (room, id) VALUES (new.room, new.id);
                INSERT INTO message_search (rowid, text) VALUES (last_insert_rowid(), {SearchText("new.text")});
            END;
            CREATE TRIGGER messages_search_update AFTER UPDATE OF text ON messages BEGIN
                {RemoveOld}
                INSERT INTO message_search_keys (room, id) SELECT new.room, new.id WHERE {MessageSearchable("new")};
                INSERT INTO message_search (rowid, text)
                    SELECT search_key, {SearchText("new.text")} FROM message_search_keys WHERE room = new.room AND id = new.id;
            END;
            CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
                {RemoveOld}
            END;
            CREATE TRIGGER direct_messages_search_insert AFTER INSERT ON direct_messages WHEN {newDirect} BEGIN
                INSERT INTO direct_message_search (rowid, text) VALUES (new.id, {SearchText("new.text")});
            END;
            CREATE TRIGGER direct_messages_search_update AFTER UPDATE OF text ON direct_messages BEGIN
                INSERT INTO direct_message_search (direct_message_search, rowid, text) SELECT 'delete', old.id, {OldText} WHERE {oldDirect};
                INSERT INTO direct_message_search (rowid, text) SELECT new.id, {SearchText("new.text")} WHERE {newDirect};
            END;
            CREATE TRIGGER direct_messages_search_delete AFTER DELETE ON direct_messages WHEN {oldDirect} BEGIN
                INSERT INTO direct_message_search (direct_message_search, rowid, text) VALUES ('delete', old.id, {OldText});
            END;
            COMMIT;
            """, cancellationToken);
    }

    // The old row's text, as it was indexed: FTS5's 'delete' takes out exactly the words it is given.
    private const string OldText = "CAST(old.text AS TEXT)";

    // Texts are UTF-8 blobs: FTS5 reads them whole, a NUL separating words as PostgreSQL's index has it.
    private static string SearchText(string column) => $"CAST({column} AS TEXT)";

    private static string MessageSearchable(string row) => $"{row}.kind = 'message' AND {row}.deleted_at IS NULL AND length({row}.text) > 0";

    /// <summary>
    /// When a direct message row <paramref name="row"/> is indexed: a text, and, once direct_messages has them, the kind
    /// <c>message</c> and no deletion (until then every row is a message, and a deletion empties the text). Of an old row
    /// it says whether it was indexed: a row's kind never changes, and its text only through the triggers.
    /// </summary>
    private static async Task<string> DirectSearchableAsync(DbConnection connection, string row, CancellationToken cancellationToken)
    {
        await using var columns = connection.CreateCommand();
        columns.CommandText = "SELECT name FROM pragma_table_info('direct_messages') WHERE name IN ('kind', 'deleted_at');";
        var found = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await columns.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add(reader.GetString(0));
            }
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"length({row}.text) > 0{(found.Contains("kind") ? $" AND {row}.kind = 'message'" : string.Empty)}{(found.Contains("deleted_at") ? $" AND {row}.deleted_at IS NULL" : string.Empty)}");
    }
}
