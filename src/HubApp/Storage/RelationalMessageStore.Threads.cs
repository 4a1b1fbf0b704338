using System.Data;
using System.Data.Common;
using HubApp.Contracts;

namespace HubApp.Storage;

// Replies, threads and mentions (SQLite schema version 6, PostgreSQL "store" version 5). A reply holds only the id it
// answers (reply_to_id), never a copy of its text; a thread reply names its root (thread_id), and the root carries the
// thread's summary on its own row (reply_count, last_reply_at, participants), rewritten in the transaction that appends
// or deletes a reply, so that every read of the root shows it current at the cost of no join. Mentions are stored twice:
// on the message (mentions, what ChatMessage.mentions shows) and as rows of message_mentions (user_id, room, id), the
// index mention counts are read from; the rows leave when the message is deleted, edited or pruned.
internal abstract partial class RelationalMessageStore
{
    /// <summary>The most participants a thread summary lists (the root's author first, then by first reply).</summary>
    public const int MaxThreadParticipants = 20;

    /// <summary>
    /// Whether what <paramref name="message"/> refers to can take it: its parent is a <c>message</c> entry of the room, not
    /// deleted, and its thread root one with no thread of its own (threads are one level deep). A deleted parent or root is
    /// refused like a missing one: a reply to a text that is gone would only say "a deleted message" to everyone.
    /// </summary>
    private static async Task<bool> TargetsFitAsync(WriterSession session, NewChatMessage message, CancellationToken cancellationToken) =>
        (message.ReplyToId is not { } parent || await FindLiveMessageAsync(session, message.Room, parent, cancellationToken) is not null)
        && (message.ThreadId is not { } root || await FindLiveMessageAsync(session, message.Room, root, cancellationToken) is { ThreadId: null });

    private static async Task<ChatMessage?> FindLiveMessageAsync(WriterSession session, string room, long id, CancellationToken cancellationToken)
    {
        await using var command = Prepare(
            session,
            $"SELECT {MessageColumns} FROM messages WHERE room = @room AND id = @id AND kind = 'message' AND deleted_at IS NULL;",
            ("@room", DbType.String, room),
            ("@id", DbType.Int64, id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadMessage(reader, room, session.ReadText) : null;
    }

    /// <summary>A reply by <paramref name="userId"/> joined thread <paramref name="rootId"/>: one more reply, the latest now, and its author listed.</summary>
    private static async Task AddThreadReplyAsync(WriterSession session, string room, long rootId, string userId, long sentAt, CancellationToken cancellationToken)
    {
        var root = await FindLiveMessageAsync(session, room, rootId, cancellationToken)
            ?? throw new InvalidOperationException($"Thread root {rootId} of '{room}' vanished inside the transaction that found it.");
        var participants = root.Thread?.ParticipantIds ?? [root.UserId];
        if (!participants.Contains(userId, StringComparer.Ordinal) && participants.Count < MaxThreadParticipants)
        {
            participants = [.. participants, userId];
        }

        await ExecuteAsync(
            session,
            "UPDATE messages SET reply_count = reply_count + 1, last_reply_at = @at, participants = @participants WHERE room = @room AND id = @root;",
            cancellationToken,
            ("@room", DbType.String, room),
            ("@root", DbType.Int64, rootId),
            ("@at", DbType.Int64, sentAt),
            ("@participants", DbType.String, JoinIds(participants)));
    }

    /// <summary>
    /// A reply of thread <paramref name="rootId"/> was deleted: the summary is counted afresh from the replies not deleted
    /// (a deleted reply's author may have no other), along the (room, thread_id) index.
    /// </summary>
    private static async Task RecountThreadAsync(WriterSession session, string room, long rootId, CancellationToken cancellationToken)
    {
        string rootAuthor;
        var repliers = new List<string>();
        await using (var command = Prepare(
            session,
            """
            SELECT user_id, 0 AS first_id FROM messages WHERE room = @room AND id = @root
            UNION ALL
            SELECT user_id, MIN(id) AS first_id FROM messages WHERE room = @room AND thread_id = @root AND kind = 'message' AND deleted_at IS NULL
            GROUP BY user_id
            ORDER BY first_id;
            """,
            ("@room", DbType.String, room),
            ("@root", DbType.Int64, rootId)))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return;
            }

            rootAuthor = reader.GetString(0);
            while (await reader.ReadAsync(cancellationToken))
            {
                repliers.Add(reader.GetString(0));
            }
        }

        string[] participants = [rootAuthor, .. repliers.Where(u => u != rootAuthor).Take(MaxThreadParticipants - 1)];
        await ExecuteAsync(
            session,
            """
            UPDATE messages SET
                reply_count = (SELECT COUNT(*) FROM messages r WHERE r.room = @room AND r.thread_id = @root AND r.kind = 'message' AND r.deleted_at IS NULL),
                last_reply_at = (SELECT MAX(r.sent_at) FROM messages r WHERE r.room = @room AND r.thread_id = @root AND r.kind = 'message' AND r.deleted_at IS NULL),
                participants = @participants
            WHERE room = @room AND id = @root;
            """,
            cancellationToken,
            ("@room", DbType.String, room),
            ("@root", DbType.Int64, rootId),
            ("@participants", DbType.String, JoinIds(participants)));
    }

    /// <summary>
    /// The mention rows of message <paramref name="id"/>: one per mentioned user but its author (nobody's own message counts
    /// for them, as for unread counts). Replaces the rows it had (an edit; none, for a delete).
    /// </summary>
    private static async Task ReplaceMentionsAsync(
        WriterSession session, string room, long id, string authorId, IReadOnlyList<string>? mentions, bool replace, CancellationToken cancellationToken)
    {
        if (replace)
        {
            await ExecuteAsync(
                session, "DELETE FROM message_mentions WHERE room = @room AND id = @id;", cancellationToken, ("@room", DbType.String, room), ("@id", DbType.Int64, id));
        }

        foreach (var user in mentions ?? [])
        {
            if (!string.Equals(user, authorId, StringComparison.OrdinalIgnoreCase))
            {
                await ExecuteAsync(
                    session,
                    "INSERT INTO message_mentions (user_id, room, id) VALUES (@user, @room, @id);",
                    cancellationToken,
                    ("@user", DbType.String, user),
                    ("@room", DbType.String, room),
                    ("@id", DbType.Int64, id));
            }
        }
    }

    private static Task InsertMentionsAsync(
        WriterSession session, string room, long id, string authorId, IReadOnlyList<string>? mentions, CancellationToken cancellationToken) =>
        mentions is { Count: > 0 } ? ReplaceMentionsAsync(session, room, id, authorId, mentions, replace: false, cancellationToken) : Task.CompletedTask;

    /// <summary>The mention table, made by each store's upgrade to replies and threads.</summary>
    protected const string MentionTableSql = """
        CREATE TABLE IF NOT EXISTS message_mentions (user_id text NOT NULL, room text NOT NULL, id bigint NOT NULL, PRIMARY KEY (user_id, room, id));
        CREATE INDEX IF NOT EXISTS message_mentions_message ON message_mentions (room, id);
        CREATE INDEX IF NOT EXISTS messages_thread ON messages (room, thread_id, id) WHERE thread_id IS NOT NULL;
        """;

    /// <summary>A condition on <c>text</c> (UTF-8 bytes) that holds when it has an <c>@</c>: the texts that may mention someone.</summary>
    protected virtual string HasAtSignSql => "instr(text, X'40') > 0";

    /// <summary>
    /// The upgrade's finding of the mentions of every message stored before they were stored (the counts of older builds read
    /// them from the texts, so they are kept). Runs inside the upgrade's transaction, on its connection.
    /// </summary>
    protected async Task BackfillMentionsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var found = new List<(string Room, long Id, string UserId, IReadOnlyList<string> Mentions)>();
        await using (var query = connection.CreateCommand())
        {
            query.CommandText = $"SELECT room, id, user_id, text FROM messages WHERE kind = 'message' AND deleted_at IS NULL AND {HasAtSignSql};";
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (MessageMentions.Find(ReadText(reader, 3)) is { Count: > 0 } mentions)
                {
                    found.Add((reader.GetString(0), reader.GetInt64(1), reader.GetString(2), mentions));
                }
            }
        }

        foreach (var (room, id, userId, mentions) in found)
        {
            await using var update = connection.CreateCommand();
            update.CommandText = "UPDATE messages SET mentions = @mentions WHERE room = @room AND id = @id;";
            AddParameter(update, "@mentions", DbType.String, JoinIds(mentions));
            AddParameter(update, "@room", DbType.String, room);
            AddParameter(update, "@id", DbType.Int64, id);
            await update.ExecuteNonQueryAsync(cancellationToken);
            foreach (var user in mentions.Where(u => !string.Equals(u, userId, StringComparison.OrdinalIgnoreCase)))
            {
                await using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO message_mentions (user_id, room, id) VALUES (@user, @room, @id) ON CONFLICT DO NOTHING;";
                AddParameter(insert, "@user", DbType.String, user);
                AddParameter(insert, "@room", DbType.String, room);
                AddParameter(insert, "@id", DbType.Int64, id);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }
}
