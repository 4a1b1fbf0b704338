using System.Data;
using System.Data.Common;
using HubApp.Contracts;

namespace HubApp.Storage;

// Edits and deletes (schema version 4; docs/protocol.md, "ChatMessage"), and reactions (version 7): such an entry takes
// the room's next id from the same counter bump as a message, in the transaction that rewrites its target, so catch-up by
// id carries it and history read afresh shows the target as it is now. A delete empties the target and its edit entries,
// so the deleted text (and every version of it) is gone from the rows themselves, not only from what is read.
internal abstract partial class RelationalMessageStore
{
    /// <summary>
    /// A batch with changes locks the counter row of every room it writes, in room-name order, before anything else:
    /// a change is decided on its target as it stands under that lock, and a batch of another node that shares rooms
    /// takes them in the same order, so the two cannot deadlock. Rooms with messages are bumped by 0 (as for client
    /// message ids); a room with only changes is locked without creating its row: if it has none, it has no target.
    /// </summary>
    private static async Task LockRoomsForChangesAsync(WriterSession session, WriteBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Changes is not { Count: > 0 } changes)
        {
            return;
        }

        var withMessages = batch.Messages.Select(m => m.Room).ToHashSet(StringComparer.Ordinal);
        foreach (var room in withMessages.Concat(changes.Select(c => c.Room)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (withMessages.Contains(room))
            {
                await session.BumpAsync(room, 0, cancellationToken);
            }
            else
            {
                await ExecuteAsync(session, "UPDATE rooms SET last_id = last_id WHERE name = @room;", cancellationToken, ("@room", DbType.String, room));
            }
        }
    }

    /// <summary>
    /// Decides and stores the batch's changes one after another, in batch order, each on the state the ones before it
    /// left (an edit and a delete of one message in one batch: the delete sees the edit). Runs after the messages, so a
    /// room's changes take ids after its new messages and the stored entries stay in id order per room.
    /// </summary>
    private async Task<(IReadOnlyList<ChatMessage> Stored, IReadOnlyList<RoomChangeAnswer>? Answers)> AppendChangesAsync(
        WriterSession session, WriteBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Changes is not { Count: > 0 } changes)
        {
            return ([], null);
        }

        var stored = new List<ChatMessage>();
        var answers = new RoomChangeAnswer[changes.Count];
        for (var i = 0; i < changes.Count; i++)
        {
            answers[i] = await AppendChangeAsync(session, changes[i], batch.SentAt, cancellationToken);
            if (answers[i] is { Outcome: RoomChangeOutcome.Stored, Entry: { } entry })
            {
                stored.Add(entry);
            }
        }

        return (stored, answers);
    }

    private async Task<RoomChangeAnswer> AppendChangeAsync(WriterSession session, NewRoomChange change, DateTime sentAt, CancellationToken cancellationToken)
    {
        var target = await FindTargetAsync(session, change, cancellationToken);
        if (change.Kind is MessageKinds.React or MessageKinds.Unreact)
        {
            return await AppendReactionAsync(session, change, target, sentAt, cancellationToken);
        }

        var delete = change.Kind == MessageKinds.Delete;
        if (target is null)
        {
            return new RoomChangeAnswer(RoomChangeOutcome.NotFound);
        }

        if (target.UserId != change.UserId && !(delete && change.MayDeleteOthers))
        {
            return new RoomChangeAnswer(RoomChangeOutcome.NotAuthor);
        }

        if (target.DeletedAt is not null)
        {
            return delete
                ? new RoomChangeAnswer(RoomChangeOutcome.AlreadyDeleted, await FindDeleteAsync(session, change, cancellationToken))
                : new RoomChangeAnswer(RoomChangeOutcome.Deleted);
        }

        if (!delete && target.SentAt < sentAt - change.EditWindow)
        {
            return new RoomChangeAnswer(RoomChangeOutcome.WindowPassed);
        }

        var entry = await InsertEntryAsync(session, change, delete ? string.Empty : change.Text, sentAt, cancellationToken);
        var at = ToUnixMilliseconds(sentAt);
        // Only an edit changes what its target names; a delete also takes the target's reactions with it: who reacted to a
        // deleted message is gone too.
        IReadOnlyList<string> mentions = delete ? [] : MessageMentions.Find(change.Text);
        await ExecuteAsync(
            session,
            delete
                ? """
                  UPDATE messages SET text = @text, deleted_at = @at, reactions = NULL, mentions = NULL, attachments = NULL WHERE room = @room AND (id = @target OR (target_id = @target AND kind = 'edit'));
                  DELETE FROM reactions WHERE log = @room AND message_id = @target;
                  """
                : "UPDATE messages SET text = @text, edited_at = @at, mentions = @mentions WHERE room = @room AND id = @target;",
            cancellationToken,
            ("@room", DbType.String, change.Room),
            ("@target", DbType.Int64, change.TargetId),
            ("@text", TextType, TextValue(delete ? string.Empty : change.Text)),
            ("@at", DbType.Int64, at),
            ("@mentions", DbType.String, JoinIds(mentions)));
        if (delete)
        {
            // Its files go with it, in this transaction: a download after the delete is the 404 of an unknown id.
            await using var uploads = Prepare(
                session,
                "DELETE FROM attachments WHERE log = @room AND direct = 0 AND message_id = @target RETURNING id;",
                ("@room", DbType.String, change.Room),
                ("@target", DbType.Int64, change.TargetId));
            await session.RemoveUploadsAsync(uploads, cancellationToken);
        }

        // What the target names now: an edit's new text, nothing once deleted. A deleted reply leaves its thread's summary.
        await ReplaceMentionsAsync(session, change.Room, change.TargetId, target.UserId, mentions, replace: true, cancellationToken);
        if (delete && target.ThreadId is { } root)
        {
            await RecountThreadAsync(session, change.Room, root, cancellationToken);
        }

        await PruneIfDueAsync(session, change.Room, entry.Id, cancellationToken);
        return new RoomChangeAnswer(RoomChangeOutcome.Stored, entry);
    }

    /// <summary>
    /// A <c>react</c> or <c>unreact</c>: on a message not deleted; stored (with the target's summary rewritten) only when it
    /// changes the reactions, and then answered with the target as it now reads.
    /// </summary>
    private async Task<RoomChangeAnswer> AppendReactionAsync(WriterSession session, NewRoomChange change, ChatMessage? target, DateTime sentAt, CancellationToken cancellationToken)
    {
        if (target is null || target.DeletedAt is not null)
        {
            return new RoomChangeAnswer(RoomChangeOutcome.NotFound);
        }

        var (outcome, reactions) = await ApplyReactionAsync(
            session, change.Room, change.TargetId, target.Reactions, change.Kind, change.Text, change.UserId, change.MaxReactionKinds, sentAt, cancellationToken);
        if (outcome != RoomChangeOutcome.Stored)
        {
            return new RoomChangeAnswer(outcome, Target: outcome == RoomChangeOutcome.Unchanged ? target : null);
        }

        var entry = await InsertEntryAsync(session, change, change.Text, sentAt, cancellationToken);
        await ExecuteAsync(
            session,
            "UPDATE messages SET reactions = @reactions WHERE room = @room AND id = @target;",
            cancellationToken,
            ("@room", DbType.String, change.Room),
            ("@target", DbType.Int64, change.TargetId),
            ("@reactions", DbType.String, (object?)ReactionSummary.Format(reactions) ?? DBNull.Value));
        await PruneIfDueAsync(session, change.Room, entry.Id, cancellationToken);
        return new RoomChangeAnswer(RoomChangeOutcome.Stored, entry, target with { Reactions = reactions });
    }

    // Last, after the target is rewritten, so that an entry and its target are pruned together when the target is among the oldest.
    private Task PruneIfDueAsync(WriterSession session, string room, long id, CancellationToken cancellationToken) =>
        HistoryPruning.IsDue(id, 1, _maxPerRoom) ? session.PruneAsync(room, _maxPerRoom, cancellationToken) : Task.CompletedTask;

    /// <summary>The change's entry, stored with the room's next id.</summary>
    private async Task<ChatMessage> InsertEntryAsync(WriterSession session, NewRoomChange change, string text, DateTime sentAt, CancellationToken cancellationToken)
    {
        var id = await session.BumpAsync(change.Room, 1, cancellationToken);
        await ExecuteAsync(
            session,
            """
            INSERT INTO messages (room, id, user_id, user_name, text, sent_at, kind, target_id)
            VALUES (@room, @id, @user_id, @user_name, @text, @sent_at, @kind, @target);
            """,
            cancellationToken,
            ("@room", DbType.String, change.Room),
            ("@id", DbType.Int64, id),
            ("@user_id", DbType.String, change.UserId),
            ("@user_name", DbType.String, change.UserName),
            ("@text", TextType, TextValue(text)),
            ("@sent_at", DbType.Int64, ToUnixMilliseconds(sentAt)),
            ("@kind", DbType.String, change.Kind),
            ("@target", DbType.Int64, change.TargetId));
        return new ChatMessage(id, change.Room, change.UserId, change.UserName, text, sentAt, change.Kind, change.TargetId);
    }

    /// <summary>The change's target, when it is a <c>message</c> entry of the room.</summary>
    private static Task<ChatMessage?> FindTargetAsync(WriterSession session, NewRoomChange change, CancellationToken cancellationToken) => QueryOneAsync(
        session,
        $"SELECT {MessageColumns} FROM messages WHERE room = @room AND id = @target AND kind = 'message';",
        change,
        cancellationToken);

    /// <summary>The delete entry of a deleted target (the newest, should there ever be two).</summary>
    private static Task<ChatMessage?> FindDeleteAsync(WriterSession session, NewRoomChange change, CancellationToken cancellationToken) => QueryOneAsync(
        session,
        $"SELECT {MessageColumns} FROM messages WHERE room = @room AND target_id = @target AND kind = 'delete' ORDER BY id DESC LIMIT 1;",
        change,
        cancellationToken);

    private static async Task<ChatMessage?> QueryOneAsync(WriterSession session, string sql, NewRoomChange change, CancellationToken cancellationToken)
    {
        await using var command = Prepare(session, sql, ("@room", DbType.String, change.Room), ("@target", DbType.Int64, change.TargetId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadMessage(reader, change.Room, session.ReadText) : null;
    }

    private static async Task ExecuteAsync(WriterSession session, string sql, CancellationToken cancellationToken, params (string Name, DbType Type, object Value)[] parameters)
    {
        await using var command = Prepare(session, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Prepare(WriterSession session, string sql, params (string Name, DbType Type, object Value)[] parameters)
    {
        var command = session.Connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = session.Transaction;
        foreach (var (name, type, value) in parameters)
        {
            AddParameter(command, name, type, value);
        }

        return command;
    }
}
