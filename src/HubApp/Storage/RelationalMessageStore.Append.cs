using System.Data;
using HubApp.Contracts;

namespace HubApp.Storage;

// The write path (AppendAsync and what it runs for messages and direct messages); see the class's remarks for how ids and
// client message ids are kept, and RelationalMessageStore.Changes for edits, deletes and reactions.
internal abstract partial class RelationalMessageStore
{
    public Task<AppendResult> AppendAsync(WriteBatch batch, BeforeCommit? beforeCommit, CancellationToken cancellationToken) => Guard(async () =>
    {
        try
        {
            _writer ??= new WriterSession(await OpenWriterAsync(cancellationToken), TextType, ReadText, KeyLockSql);
            await using var transaction = await _writer.Connection.BeginTransactionAsync(cancellationToken);
            _writer.Enlist(transaction);
            _writer.RemovedUploads.Clear();
            await LockRoomsForChangesAsync(_writer, batch, cancellationToken);
            var (messages, answers) = await AppendMessagesAsync(_writer, batch, cancellationToken);
            var (changed, changeAnswers) = await AppendChangesAsync(_writer, batch, cancellationToken);
            var (direct, directAnswers) = await AppendDirectAsync(_writer, batch, cancellationToken);
            var (directChanged, directChangeAnswers) = await AppendDirectChangesAsync(_writer, batch, cancellationToken);
            var stored = new AppendResult(
                changed.Count == 0 ? messages : [.. messages, .. changed],
                directChanged.Count == 0 ? direct : [.. direct, .. directChanged],
                answers,
                directAnswers,
                changeAnswers,
                directChangeAnswers,
                _writer.RemovedUploads.Count == 0 ? null : [.. _writer.RemovedUploads]);
            if (beforeCommit is not null)
            {
                await beforeCommit(_writer.Connection, stored, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return stored;
        }
        catch
        {
            // A connection that failed mid-transaction may be in any state: start the next batch afresh.
            await DisposeWriterAsync();
            throw;
        }
    });

    private async Task<(IReadOnlyList<ChatMessage> Stored, IReadOnlyList<ChatMessage?> Answers)> AppendMessagesAsync(
        WriterSession session, WriteBatch batch, CancellationToken cancellationToken)
    {
        var writes = batch.Messages;
        if (writes.Count == 0)
        {
            return ([], []);
        }

        // answers[i] is set once write i is found stored or stored now; a write repeating an earlier one of the
        // batch (repeatOf[i] >= 0) takes that one's answer.
        var answers = new ChatMessage?[writes.Count];
        var repeatOf = RepeatsWithinBatch(writes);
        var refused = new bool[writes.Count];
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        var nextIds = new Dictionary<string, long>(StringComparer.Ordinal);
        var due = new List<string>();
        foreach (var group in Enumerable.Range(0, writes.Count).GroupBy(i => writes[i].Room, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var keyed = group.Where(i => writes[i].ClientMessageId is not null && repeatOf[i] < 0).ToList();
            var referring = group.Where(i => writes[i].RefersToOthers && repeatOf[i] < 0).ToList();
            if (keyed.Count > 0 || referring.Count > 0)
            {
                // Locks the counter row before the lookup (see the remarks): a bump by 0. The same lock holds every change of
                // the room (an edit, a delete) until this batch commits, so a target found fit here stays so.
                await session.BumpAsync(group.Key, 0, cancellationToken);
                foreach (var i in keyed)
                {
                    answers[i] = await session.FindAsync(writes[i], cancellationToken);
                }

                foreach (var i in referring.Where(i => answers[i] is null))
                {
                    var write = writes[i];
                    refused[i] = !await TargetsFitAsync(session, write, cancellationToken)
                        || (write.AttachmentIds is { Count: > 0 } uploads
                            && !await UploadsFitAsync(session, write.Room, direct: false, write.UserId, uploads, claimed, cancellationToken));
                }
            }

            // One counter bump per room in the batch, for the writes new to it: ids are handed out in batch order.
            var count = group.Count(i => answers[i] is null && repeatOf[i] < 0 && !refused[i]);
            if (count == 0)
            {
                continue;
            }

            var last = await session.BumpAsync(group.Key, count, cancellationToken);
            nextIds[group.Key] = last - count + 1;
            if (HistoryPruning.IsDue(last, count, _maxPerRoom))
            {
                due.Add(group.Key);
            }
        }

        var sentAt = ToUnixMilliseconds(batch.SentAt);
        var stored = new List<ChatMessage>(writes.Count);
        for (var i = 0; i < writes.Count; i++)
        {
            if (answers[i] is not null || refused[i])
            {
                continue;
            }

            if (repeatOf[i] >= 0)
            {
                answers[i] = answers[repeatOf[i]];
                continue;
            }

            var message = writes[i];
            var messageId = nextIds[message.Room]++;
            var mentions = MessageMentions.Find(message.Text);
            var attachments = message.AttachmentIds is { Count: > 0 } ids ? await DescribeUploadsAsync(session, ids, cancellationToken) : null;
            await session.InsertAsync(
                message, messageId, TextValue(message.Text), JoinIds(mentions), (object?)AttachmentSummary.Format(attachments) ?? DBNull.Value, sentAt, cancellationToken);
            if (attachments is not null)
            {
                await ClaimUploadsAsync(session, message.AttachmentIds!, messageId, cancellationToken);
            }

            await InsertMentionsAsync(session, message.Room, messageId, message.UserId, mentions, cancellationToken);
            if (message.ThreadId is { } root)
            {
                await AddThreadReplyAsync(session, message.Room, root, message.UserId, sentAt, cancellationToken);
            }

            answers[i] = new ChatMessage(
                messageId, message.Room, message.UserId, message.UserName, message.Text, batch.SentAt, ClientMessageId: message.ClientMessageId,
                ReplyToId: message.ReplyToId, ThreadId: message.ThreadId, Mentions: mentions.Count > 0 ? mentions : null, Attachments: attachments);
            stored.Add(answers[i]!);
        }

        // After the inserts, so that what they refer to and what is pruned are decided on the same rows.
        foreach (var room in due)
        {
            await session.PruneAsync(room, _maxPerRoom, cancellationToken);
        }

        return (stored, answers);
    }

    private async Task<(IReadOnlyList<DirectMessage> Stored, IReadOnlyList<DirectMessage?> Answers)> AppendDirectAsync(
        WriterSession session, WriteBatch batch, CancellationToken cancellationToken)
    {
        var writes = batch.DirectMessages;
        if (writes.Count == 0)
        {
            return ([], []);
        }

        if (session.LocksKeys)
        {
            // In key order, so that batches of several nodes cannot deadlock on each other's keys.
            foreach (var key in writes.Where(m => m.ClientMessageId is not null).Select(DirectKey).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                await session.LockKeyAsync(key, cancellationToken);
            }
        }

        var sentAt = ToUnixMilliseconds(batch.SentAt);
        var stored = new List<DirectMessage>(writes.Count);
        var answers = new DirectMessage?[writes.Count];
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < writes.Count; i++)
        {
            var message = writes[i];
            var conversation = ConversationKey(message.FromUserId, message.ToUserId);
            IReadOnlyList<Attachment>? attachments = null;
            if (message.AttachmentIds is { Count: > 0 } ids)
            {
                // A repeat is answered with the first message (its key is locked above), before its uploads, used by then, are checked.
                if (message.ClientMessageId is not null && await session.FindDirectAsync(message, cancellationToken) is { } first)
                {
                    answers[i] = first;
                    continue;
                }

                if (!await UploadsFitAsync(session, conversation, direct: true, message.FromUserId, ids, claimed, cancellationToken))
                {
                    continue;
                }

                attachments = await DescribeUploadsAsync(session, ids, cancellationToken);
            }

            var summary = (object?)AttachmentSummary.Format(attachments) ?? DBNull.Value;
            if (await session.InsertDirectAsync(message, conversation, TextValue(message.Text), summary, sentAt, cancellationToken) is { } messageId)
            {
                if (attachments is not null)
                {
                    await ClaimUploadsAsync(session, message.AttachmentIds!, messageId, cancellationToken);
                }

                answers[i] = new DirectMessage(
                    messageId, message.FromUserId, message.FromUserName, message.ToUserId, message.Text, batch.SentAt, message.ClientMessageId,
                    ReplyToId: message.ReplyToId, Attachments: attachments);
                stored.Add(answers[i]!);
            }
            else
            {
                answers[i] = await session.FindDirectAsync(message, cancellationToken)
                    ?? throw new InvalidOperationException("A direct message with this client message id conflicted, yet none is stored.");
            }
        }

        await UpdateConversationsAsync(session, stored, cancellationToken);
        return (stored, answers);
    }

    /// <summary>For each write, the index of the first earlier write of the batch with the same key, else -1.</summary>
    private static int[] RepeatsWithinBatch(IReadOnlyList<NewChatMessage> writes)
    {
        var repeatOf = new int[writes.Count];
        var first = new Dictionary<(string Room, string UserId, string ClientMessageId), int>();
        for (var i = 0; i < writes.Count; i++)
        {
            var message = writes[i];
            repeatOf[i] = message.ClientMessageId is { } id && !first.TryAdd((message.Room, message.UserId, id), i) ? first[(message.Room, message.UserId, id)] : -1;
        }

        return repeatOf;
    }

    // User ids carry no control characters (ChatClaims), so the unit separator cannot occur inside a part.
    private static string DirectKey(NewDirectMessage message) => $"{message.FromUserId}\u001f{message.ToUserId}\u001f{message.ClientMessageId}";
}
