using System.Data;
using System.Data.Common;
using HubApp.Contracts;

namespace HubApp.Storage;

// Direct messages beyond the append: the conversations table, pruning per conversation, and the reads.
// Schema (version 3): direct_messages.conversation is ConversationKey of its two users, indexed with the id; to_user_id and
// from_user_id are indexed with the id for SyncDirectMessages; direct_threads holds one row per user and conversation
// (two per conversation, one for a note to self) with the newest id, the count of messages ever stored (pruning), the
// other user's name and the user's read marker.
internal abstract partial class RelationalMessageStore
{
    private const string DirectColumns =
        "id, from_user_id, from_user_name, to_user_id, text, sent_at, client_message_id, kind, target_id, edited_at, deleted_at, reply_to_id, reactions, attachments";

    /// <summary><see cref="DirectColumns"/> of the conversation's last message (<c>m</c>) in <see cref="GetConversationsAsync"/>.</summary>
    private static readonly string ConversationLastColumns = string.Join(", ", DirectColumns.Split(", ").Select(c => "m." + c));

    /// <summary>
    /// Upserts both users' rows of each conversation the batch wrote to, then prunes the conversations that are due
    /// (<see cref="HistoryPruning"/>, as rooms). Rows are written in key order, so batches of several nodes cannot
    /// deadlock on them (the room counters and idempotency keys, locked earlier, are also taken in order).
    /// </summary>
    private async Task UpdateConversationsAsync(WriterSession session, List<DirectMessage> stored, CancellationToken cancellationToken)
    {
        if (stored.Count == 0)
        {
            return;
        }

        var sides = new SortedDictionary<(string User, string Other), ThreadChange>(OrdinalPairComparer.Instance);
        foreach (var message in stored)
        {
            // The receiving side learns the sender's name; the sending side names the other user by id until they write.
            Change(sides, (message.ToUserId, message.FromUserId), message.FromUserName, rename: true, message.Id);
            if (message.FromUserId != message.ToUserId)
            {
                Change(sides, (message.FromUserId, message.ToUserId), message.ToUserId, rename: false, message.Id);
            }
        }

        var totals = new Dictionary<string, (long Total, int Added)>(StringComparer.Ordinal);
        foreach (var ((user, other), change) in sides)
        {
            var total = await session.UpdateThreadAsync(user, other, change.Name, change.Rename, change.LastId, change.Count, cancellationToken);
            totals[ConversationKey(user, other)] = (total, change.Count);
        }

        foreach (var (conversation, (total, added)) in totals.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            if (HistoryPruning.IsDue(total, added, _maxPerRoom))
            {
                await session.PruneDirectAsync(conversation, _maxPerRoom, cancellationToken);
            }
        }
    }

    private static void Change(SortedDictionary<(string User, string Other), ThreadChange> sides, (string User, string Other) side, string name, bool rename, long id)
    {
        var change = sides.GetValueOrDefault(side) ?? (sides[side] = new ThreadChange(name));
        // Messages come in id order: the latest renaming one wins.
        if (rename)
        {
            (change.Name, change.Rename) = (name, true);
        }

        change.LastId = Math.Max(change.LastId, id);
        change.Count++;
    }

    /// <summary>
    /// The conversation of two users, the same whoever writes: their ids in ordinal order, joined by U+001F (user ids carry
    /// no control characters). Ordinal order of these ids (no surrogates) is also their UTF-8 byte order, which is how
    /// the schema upgrade orders them in SQL (SQLite's BINARY collation, PostgreSQL's "C").
    /// </summary>
    internal static string ConversationKey(string userId, string otherUserId) =>
        string.CompareOrdinal(userId, otherUserId) <= 0 ? $"{userId}\u001f{otherUserId}" : $"{otherUserId}\u001f{userId}";

    /// <summary>
    /// Fills direct_threads from the direct messages stored before version 3 (the other user's name from their latest
    /// message). SQL both engines run; a WHERE before GROUP BY, as SQLite's upsert parser wants one.
    /// </summary>
    protected const string BackfillThreadsSql = """
        INSERT INTO direct_threads (user_id, other_user_id, other_user_name, last_id, message_count, last_read_id)
        SELECT user_id, other_user_id, other_user_id, MAX(id), COUNT(*), 0 FROM (
            SELECT from_user_id AS user_id, to_user_id AS other_user_id, id FROM direct_messages
            UNION ALL
            SELECT to_user_id, from_user_id, id FROM direct_messages WHERE to_user_id <> from_user_id) AS sides
        WHERE true GROUP BY user_id, other_user_id
        ON CONFLICT (user_id, other_user_id) DO NOTHING;
        UPDATE direct_threads SET other_user_name = COALESCE((
            SELECT from_user_name FROM direct_messages
            WHERE from_user_id = direct_threads.other_user_id AND to_user_id = direct_threads.user_id ORDER BY id DESC LIMIT 1), other_user_id);
        """;

    public Task<IReadOnlyList<DirectMessage>> GetConversationBeforeAsync(string userId, string otherUserId, long beforeId, int count, CancellationToken cancellationToken) =>
        QueryDirectAsync(
            $"SELECT {DirectColumns} FROM direct_messages WHERE conversation = @conversation AND id < @id ORDER BY id DESC LIMIT @count;",
            command => AddParameter(command, "@conversation", DbType.String, ConversationKey(userId, otherUserId)),
            beforeId,
            count,
            descending: true,
            cancellationToken);

    public Task<IReadOnlyList<DirectMessage>> GetDirectAfterAsync(string userId, long afterId, int count, CancellationToken cancellationToken) =>
        QueryDirectAsync(UserDirectSql(">", "ASC"), command => AddParameter(command, "@user", DbType.String, userId), afterId, count, descending: false, cancellationToken);

    public Task<IReadOnlyList<DirectMessage>> GetDirectLatestAsync(string userId, int count, CancellationToken cancellationToken) =>
        QueryDirectAsync(UserDirectSql("<", "DESC"), command => AddParameter(command, "@user", DbType.String, userId), long.MaxValue, count, descending: true, cancellationToken);

    public Task<IReadOnlyList<Conversation>> GetConversationsAsync(string userId, int count, int maxUnread, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        // The unread count is bounded per row: a conversation's newest messages, from the other user, after the marker. Only
        // message entries count, and last_id names the newest message entry (edits, deletes and reactions leave it be), read in
        // its current state.
        query.CommandText = $"""
            SELECT t.other_user_id, t.other_user_name, t.last_read_id,
                {ConversationLastColumns},
                (SELECT COUNT(*) FROM (
                    SELECT 1 FROM direct_messages u
                    WHERE u.conversation = m.conversation AND u.from_user_id = t.other_user_id AND u.id > t.last_read_id AND u.kind = 'message' LIMIT @max) AS unread)
            FROM direct_threads t JOIN direct_messages m ON m.id = t.last_id
            WHERE t.user_id = @user ORDER BY t.last_id DESC LIMIT @count;
            """;
        AddParameter(query, "@user", DbType.String, userId);
        AddParameter(query, "@count", DbType.Int32, count);
        AddParameter(query, "@max", DbType.Int32, maxUnread);
        var conversations = new List<Conversation>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            conversations.Add(new Conversation(
                reader.GetString(0), reader.GetString(1), ReadDirect(reader, 3, ReadText), reader.GetInt64(2), Convert.ToInt32(reader.GetValue(reader.FieldCount - 1), System.Globalization.CultureInfo.InvariantCulture)));
        }

        return (IReadOnlyList<Conversation>)conversations;
    });

    // Messages to the user and from the user, each through its own index, merged; a note to self is in both, once.
    private static string UserDirectSql(string comparison, string direction) => $"""
        SELECT {DirectColumns} FROM direct_messages WHERE id IN (
            SELECT id FROM (SELECT id FROM direct_messages WHERE to_user_id = @user AND id {comparison} @id ORDER BY id {direction} LIMIT @count) AS received
            UNION
            SELECT id FROM (SELECT id FROM direct_messages WHERE from_user_id = @user AND id {comparison} @id ORDER BY id {direction} LIMIT @count) AS sent)
        ORDER BY id {direction} LIMIT @count;
        """;

    private Task<IReadOnlyList<DirectMessage>> QueryDirectAsync(string sql, Action<DbCommand> parameters, long id, int count, bool descending, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = sql;
        parameters(query);
        AddParameter(query, "@id", DbType.Int64, id);
        AddParameter(query, "@count", DbType.Int32, count);
        var messages = new List<DirectMessage>(Math.Min(count, 256));
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(ReadDirect(reader, 0, ReadText));
        }

        if (descending)
        {
            messages.Reverse();
        }

        return (IReadOnlyList<DirectMessage>)messages;
    });

    /// <summary>A direct message from the fourteen columns of <see cref="DirectColumns"/>, starting at <paramref name="at"/>.</summary>
    private static DirectMessage ReadDirect(DbDataReader reader, int at, Func<DbDataReader, int, string> readText) => new(
        reader.GetInt64(at), reader.GetString(at + 1), reader.GetString(at + 2), reader.GetString(at + 3), readText(reader, at + 4),
        FromUnixMilliseconds(reader.GetInt64(at + 5)), reader.IsDBNull(at + 6) ? null : reader.GetString(at + 6),
        Kind: reader.GetString(at + 7),
        TargetId: reader.IsDBNull(at + 8) ? null : reader.GetInt64(at + 8),
        EditedAt: reader.IsDBNull(at + 9) ? null : FromUnixMilliseconds(reader.GetInt64(at + 9)),
        DeletedAt: reader.IsDBNull(at + 10) ? null : FromUnixMilliseconds(reader.GetInt64(at + 10)),
        ReplyToId: reader.IsDBNull(at + 11) ? null : reader.GetInt64(at + 11),
        Reactions: reader.IsDBNull(at + 12) ? null : ReactionSummary.Parse(reader.GetString(at + 12)),
        Attachments: reader.IsDBNull(at + 13) ? null : AttachmentSummary.Parse(reader.GetString(at + 13)));

    private sealed class ThreadChange(string name)
    {
        public string Name { get; set; } = name;

        public bool Rename { get; set; }

        public long LastId { get; set; }

        public int Count { get; set; }
    }

    private sealed class OrdinalPairComparer : IComparer<(string User, string Other)>
    {
        public static readonly OrdinalPairComparer Instance = new();

        public int Compare((string User, string Other) x, (string User, string Other) y)
        {
            var user = string.CompareOrdinal(x.User, y.User);
            return user != 0 ? user : string.CompareOrdinal(x.Other, y.Other);
        }
    }
}
