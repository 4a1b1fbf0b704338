using System.Data.Common;
using System.Globalization;

namespace HubApp.Storage;

// Search on FTS5 (schema version 8). Both tables are contentless (they keep no copy of a text) with contentless_delete,
// so a row can be taken out by its rowid, and secure-delete, so that a taken-out text's words leave the index's pages
// rather than waiting for a merge. messages has no rowid (WITHOUT ROWID, keyed by room and id): message_search_keys gives
// each indexed entry one; direct_message_search uses the direct message's id. The index follows the tables by triggers,
// whoever writes them: an insert of a message entry adds it, a rewrite of its text (an edit; a delete empties it)
// replaces it, a removal (pruning) takes it out.
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

    /// <summary>Version 8: the search tables, filled from what is stored (one transaction, as the upgrades before it).</summary>
    private static async Task UpgradeToVersion8Async(DbConnection connection, CancellationToken cancellationToken)
    {
        var direct = await DirectSearchableAsync(connection, "d", cancellationToken);
        await ExecuteAsync(connection, $"""
            BEGIN IMMEDIATE;
            CREATE TABLE message_search_keys (search_key INTEGER PRIMARY KEY, room TEXT NOT NULL, id INTEGER NOT NULL, UNIQUE (room, id));
            CREATE VIRTUAL TABLE message_search USING fts5(text, content='', contentless_delete=1, {SearchTokenizer});
            CREATE VIRTUAL TABLE direct_message_search USING fts5(text, content='', contentless_delete=1, {SearchTokenizer});
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
        var direct = await DirectSearchableAsync(connection, "new", cancellationToken);
        const string OldKey = "(SELECT search_key FROM message_search_keys WHERE room = old.room AND id = old.id)";
        const string RemoveOld = $"""
            DELETE FROM message_search WHERE rowid = {OldKey};
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
            CREATE TRIGGER direct_messages_search_insert AFTER INSERT ON direct_messages WHEN {direct} BEGIN
                INSERT INTO direct_message_search (rowid, text) VALUES (new.id, {SearchText("new.text")});
            END;
            CREATE TRIGGER direct_messages_search_update AFTER UPDATE OF text ON direct_messages BEGIN
                DELETE FROM direct_message_search WHERE rowid = old.id;
                INSERT INTO direct_message_search (rowid, text) SELECT new.id, {SearchText("new.text")} WHERE {direct};
            END;
            CREATE TRIGGER direct_messages_search_delete AFTER DELETE ON direct_messages BEGIN
                DELETE FROM direct_message_search WHERE rowid = old.id;
            END;
            COMMIT;
            """, cancellationToken);
    }

    // Texts are UTF-8 blobs: FTS5 reads them whole, a NUL separating words as PostgreSQL's index has it.
    private static string SearchText(string column) => $"CAST({column} AS TEXT)";

    private static string MessageSearchable(string row) => $"{row}.kind = 'message' AND {row}.deleted_at IS NULL AND length({row}.text) > 0";

    /// <summary>
    /// When a direct message row <paramref name="row"/> is indexed: a text, and, once direct_messages has them, the kind
    /// <c>message</c> and no deletion (until then every row is a message, and a deletion empties the text).
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
