using HubApp.Contracts;

namespace HubApp.Client;

/// <summary>
/// Folds log entries onto the messages they change, as the server does to its stored targets: an <c>edit</c> sets the
/// text, a <c>delete</c> empties it, a <c>react</c> or <c>unreact</c> changes one user's reaction, and (rooms) a thread
/// reply counts on its root. The server's copy always wins: a target read again (history, <c>GetMessages</c>, the answer
/// of <c>React</c>) replaces what was folded; <see cref="RoomTimeline"/> keeps that straight for a room.
/// </summary>
public static class LogFolding
{
    // The contract's caps on what a stored message lists.
    private const int MaxReactionUsersListed = 50;
    private const int MaxThreadParticipantsListed = 20;

    /// <summary>
    /// <paramref name="target"/> with <paramref name="entry"/> applied: an edit, delete, react or unreact whose
    /// <c>targetId</c> is the target, or a reply whose <c>threadId</c> is it. Anything else returns the target as it is.
    /// </summary>
    public static ChatMessage Fold(ChatMessage target, ChatMessage entry)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(entry);
        if (entry is { Kind: MessageKinds.Message } && entry.ThreadId == target.Id)
        {
            return target with { Thread = AddReply(target, entry) };
        }

        if (entry.TargetId != target.Id)
        {
            return target;
        }

        return entry.Kind switch
        {
            MessageKinds.Edit when target.DeletedAt is null => target with { Text = entry.Text, EditedAt = entry.SentAt },
            MessageKinds.Delete => target with { Text = string.Empty, DeletedAt = target.DeletedAt ?? entry.SentAt, Reactions = null, Mentions = null, Attachments = null },
            MessageKinds.React or MessageKinds.Unreact => target with { Reactions = React(target.Reactions, entry.Text, entry.UserId, entry.Kind == MessageKinds.React) },
            _ => target,
        };
    }

    /// <summary>As <see cref="Fold(ChatMessage, ChatMessage)"/>, for a conversation's entries (no threads there).</summary>
    public static DirectMessage Fold(DirectMessage target, DirectMessage entry)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.TargetId != target.Id)
        {
            return target;
        }

        return entry.Kind switch
        {
            MessageKinds.Edit when target.DeletedAt is null => target with { Text = entry.Text, EditedAt = entry.SentAt },
            MessageKinds.Delete => target with { Text = string.Empty, DeletedAt = target.DeletedAt ?? entry.SentAt, Reactions = null, Attachments = null },
            MessageKinds.React or MessageKinds.Unreact => target with { Reactions = React(target.Reactions, entry.Text, entry.FromUserId, entry.Kind == MessageKinds.React) },
            _ => target,
        };
    }

    /// <summary>
    /// <paramref name="root"/> without the deleted <paramref name="reply"/>: one reply fewer. Its participants are the
    /// root's author and the authors of <paramref name="remaining"/> (the thread's other replies not deleted) when those
    /// are all of them; otherwise they stay as they were, since the author may have replies not held here.
    /// </summary>
    public static ChatMessage RemoveReply(ChatMessage root, ChatMessage reply, IReadOnlyCollection<ChatMessage>? remaining = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(reply);
        if (reply.ThreadId != root.Id || root.Thread is not { ReplyCount: > 0 } thread)
        {
            return root;
        }

        var count = thread.ReplyCount - 1;
        IReadOnlyList<string> participants = remaining is not null && remaining.Count == count
            ? [.. remaining.Select(r => r.UserId).Prepend(root.UserId).Distinct(StringComparer.Ordinal).Take(MaxThreadParticipantsListed)]
            : thread.ParticipantIds;
        return root with { Thread = thread with { ReplyCount = count, ParticipantIds = participants } };
    }

    private static ThreadSummary AddReply(ChatMessage root, ChatMessage reply)
    {
        var thread = root.Thread ?? new ThreadSummary(0, null, [root.UserId]);
        var participants = thread.ParticipantIds.Contains(reply.UserId, StringComparer.Ordinal) || thread.ParticipantIds.Count >= MaxThreadParticipantsListed
            ? thread.ParticipantIds
            : [.. thread.ParticipantIds, reply.UserId];
        var last = thread.LastReplyAt is { } earlier && earlier > reply.SentAt ? earlier : reply.SentAt;
        return new ThreadSummary(thread.ReplyCount + 1, last, participants);
    }

    // A user's reaction is there or not: adding one that is there (or removing one that is not) changes nothing. A user
    // the server did not list (past the first 50) is counted as one of the unlisted when removed.
    private static IReadOnlyList<Reaction>? React(IReadOnlyList<Reaction>? reactions, string emoji, string userId, bool add)
    {
        var list = reactions?.ToList() ?? [];
        var index = list.FindIndex(r => r.Emoji == emoji);
        var current = index < 0 ? new Reaction(emoji, 0, []) : list[index];
        var listed = current.UserIds.Contains(userId, StringComparer.Ordinal);
        Reaction changed;
        if (add)
        {
            if (listed)
            {
                return reactions;
            }

            changed = current with
            {
                Count = current.Count + 1,
                UserIds = current.UserIds.Count < MaxReactionUsersListed ? [.. current.UserIds, userId] : current.UserIds,
            };
        }
        else
        {
            if (!listed && current.Count <= current.UserIds.Count)
            {
                return reactions;
            }

            changed = current with { Count = current.Count - 1, UserIds = [.. current.UserIds.Where(u => u != userId)] };
        }

        if (index < 0)
        {
            list.Add(changed);
        }
        else if (changed.Count > 0)
        {
            list[index] = changed;
        }
        else
        {
            list.RemoveAt(index);
        }

        return list.Count == 0 ? null : list;
    }
}
