using System.Data;
using HubApp.Contracts;

namespace HubApp.Storage;

// A conversation's log (schema version 7; docs/protocol.md, "A conversation's log"): edits, deletes and reactions of
// direct messages are direct messages too (kind, target_id), with ids from the same sequence, so SyncDirectMessages and
// GetDirectHistory carry them; the target row is rewritten in the same transaction. They leave direct_threads be: a
// conversation's last_id stays its newest message entry (what GetConversations shows, and what orders the list), and
// unread counts count message entries only.
internal abstract partial class RelationalMessageStore
{
    /// <summary>
    /// Appended to the statement that reads the batch's targets before any is changed: a row lock where several nodes write
    /// one database (PostgreSQL's <c>FOR UPDATE</c>), empty where one writer has it to itself.
    /// </summary>
    protected virtual string RowLockSql => string.Empty;

    private async Task<(IReadOnlyList<DirectMessage> Stored, IReadOnlyList<DirectChangeAnswer>? Answers)> AppendDirectChangesAsync(
        WriterSession session, WriteBatch batch, CancellationToken cancellationToken)
    {
        if (batch.DirectChanges is not { Count: > 0 } changes)
        {
            return ([], null);
        }

        // The targets locked in id order before any is decided, so batches of two nodes cannot deadlock on them.
        if (RowLockSql.Length > 0)
        {
            var ids = string.Join(", ", changes.Select(c => c.TargetId).Distinct().Order());
            await ExecuteAsync(session, $"SELECT id FROM direct_messages WHERE id IN ({ids}) ORDER BY id {RowLockSql};", cancellationToken);
        }

        var stored = new List<DirectMessage>();
        var answers = new DirectChangeAnswer[changes.Count];
        for (var i = 0; i < changes.Count; i++)
        {
            answers[i] = await AppendDirectChangeAsync(session, changes[i], batch.SentAt, cancellationToken);
            if (answers[i] is { Outcome: RoomChangeOutcome.Stored, Entry: { } entry })
            {
                stored.Add(entry);
            }
        }

        return (stored, answers);
    }

    private async Task<DirectChangeAnswer> AppendDirectChangeAsync(WriterSession session, NewDirectChange change, DateTime sentAt, CancellationToken cancellationToken)
    {
        // Only a message of a conversation the caller is in (the one named, if one is): anyone else's is not_found, never revealed.
        var target = await QueryDirectOneAsync(
            session,
            $"""
            SELECT {DirectColumns} FROM direct_messages WHERE id = @target AND kind = 'message' AND (from_user_id = @user OR to_user_id = @user)
            {(change.OtherUserId is null ? string.Empty : "AND conversation = @conversation")};
            """,
            change,
            cancellationToken);
        if (target is null)
        {
            return new DirectChangeAnswer(RoomChangeOutcome.NotFound);
        }

        var conversation = ConversationKey(target.FromUserId, target.ToUserId);
        var other = target.FromUserId == change.UserId ? target.ToUserId : target.FromUserId;
        if (change.Kind is MessageKinds.React or MessageKinds.Unreact)
        {
            if (target.DeletedAt is not null)
            {
                return new DirectChangeAnswer(RoomChangeOutcome.NotFound);
            }

            var (outcome, reactions) = await ApplyReactionAsync(
                session, conversation, change.TargetId, target.Reactions, change.Kind, change.Text, change.UserId, change.MaxReactionKinds, sentAt, cancellationToken);
            if (outcome != RoomChangeOutcome.Stored)
            {
                return new DirectChangeAnswer(outcome, Target: outcome == RoomChangeOutcome.Unchanged ? target : null);
            }

            var reaction = await InsertDirectEntryAsync(session, change, other, conversation, change.Text, sentAt, cancellationToken);
            await ExecuteAsync(
                session,
                "UPDATE direct_messages SET reactions = @reactions WHERE id = @target;",
                cancellationToken,
                ("@target", DbType.Int64, change.TargetId),
                ("@reactions", DbType.String, (object?)ReactionSummary.Format(reactions) ?? DBNull.Value));
            return new DirectChangeAnswer(RoomChangeOutcome.Stored, reaction, target with { Reactions = reactions });
        }

        // Either party deletes only their own messages (a conversation has no moderator).
        var delete = change.Kind == MessageKinds.Delete;
        if (target.FromUserId != change.UserId)
        {
            return new DirectChangeAnswer(RoomChangeOutcome.NotAuthor);
        }

        if (target.DeletedAt is not null)
        {
            return delete
                ? new DirectChangeAnswer(
                    RoomChangeOutcome.AlreadyDeleted,
                    await QueryDirectOneAsync(
                        session, $"SELECT {DirectColumns} FROM direct_messages WHERE target_id = @target AND kind = 'delete' ORDER BY id DESC LIMIT 1;", change, cancellationToken))
                : new DirectChangeAnswer(RoomChangeOutcome.Deleted);
        }

        if (!delete && target.SentAt < sentAt - change.EditWindow)
        {
            return new DirectChangeAnswer(RoomChangeOutcome.WindowPassed);
        }

        var text = delete ? string.Empty : change.Text;
        var entry = await InsertDirectEntryAsync(session, change, other, conversation, text, sentAt, cancellationToken);
        await ExecuteAsync(
            session,
            delete
                ? """
                  UPDATE direct_messages SET text = @text, deleted_at = @at, reactions = NULL, attachments = NULL WHERE id = @target OR (target_id = @target AND kind = 'edit');
                  DELETE FROM reactions WHERE log = @conversation AND message_id = @target;
                  """
                : "UPDATE direct_messages SET text = @text, edited_at = @at WHERE id = @target;",
            cancellationToken,
            ("@target", DbType.Int64, change.TargetId),
            ("@conversation", DbType.String, conversation),
            ("@text", TextType, TextValue(text)),
            ("@at", DbType.Int64, ToUnixMilliseconds(sentAt)));
        if (delete)
        {
            // As a room message's: its files' descriptions go in this transaction, their bytes after it commits.
            await using var uploads = Prepare(
                session,
                "DELETE FROM attachments WHERE log = @conversation AND direct = 1 AND message_id = @target RETURNING id;",
                ("@conversation", DbType.String, conversation),
                ("@target", DbType.Int64, change.TargetId));
            await session.RemoveUploadsAsync(uploads, cancellationToken);
        }

        return new DirectChangeAnswer(RoomChangeOutcome.Stored, entry);
    }

    private async Task<DirectMessage> InsertDirectEntryAsync(
        WriterSession session, NewDirectChange change, string toUserId, string conversation, string text, DateTime sentAt, CancellationToken cancellationToken)
    {
        await using var command = Prepare(
            session,
            """
            INSERT INTO direct_messages (from_user_id, from_user_name, to_user_id, text, sent_at, conversation, kind, target_id)
            VALUES (@from, @from_name, @to, @text, @sent_at, @conversation, @kind, @target) RETURNING id;
            """,
            ("@from", DbType.String, change.UserId),
            ("@from_name", DbType.String, change.UserName),
            ("@to", DbType.String, toUserId),
            ("@text", TextType, TextValue(text)),
            ("@sent_at", DbType.Int64, ToUnixMilliseconds(sentAt)),
            ("@conversation", DbType.String, conversation),
            ("@kind", DbType.String, change.Kind),
            ("@target", DbType.Int64, change.TargetId));
        var id = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return new DirectMessage(id, change.UserId, change.UserName, toUserId, text, sentAt, Kind: change.Kind, TargetId: change.TargetId);
    }

    private static async Task<DirectMessage?> QueryDirectOneAsync(WriterSession session, string sql, NewDirectChange change, CancellationToken cancellationToken)
    {
        await using var command = Prepare(
            session,
            sql,
            ("@target", DbType.Int64, change.TargetId),
            ("@user", DbType.String, change.UserId),
            ("@conversation", DbType.String, ConversationKey(change.UserId, change.OtherUserId ?? change.UserId)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadDirect(reader, 0, session.ReadText) : null;
    }

    /// <summary>Whether <paramref name="messageId"/> is a message entry of the conversation of the two users.</summary>
    public Task<bool> IsConversationMessageAsync(string userId, string otherUserId, long messageId, CancellationToken cancellationToken) => Guard(async () =>
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT COUNT(*) FROM direct_messages WHERE id = @id AND conversation = @conversation AND kind = 'message';";
        AddParameter(query, "@id", DbType.Int64, messageId);
        AddParameter(query, "@conversation", DbType.String, ConversationKey(userId, otherUserId));
        return Convert.ToInt64(await query.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
    });
}
