using System.Data.Common;
using HubApp.Contracts;

namespace HubApp.Storage;

/// <summary>
/// Durable history. Implementations assign ids: per room strictly increasing, for direct messages unique.
/// </summary>
/// <remarks>
/// <see cref="AppendAsync"/> is called by one writer at a time (<see cref="MessageWriter"/>); reads come
/// concurrently from every connection. Any failure to reach the store surfaces as
/// <see cref="StoreUnavailableException"/>, and a failed append stored nothing.
/// </remarks>
public interface IMessageStore
{
    /// <summary>Creates or upgrades the schema.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stores all of <paramref name="batch"/> in one transaction, or nothing; <paramref name="beforeCommit"/> runs inside
    /// it once the batch has its ids, and a failure there fails the batch.
    /// </summary>
    Task<AppendResult> AppendAsync(WriteBatch batch, BeforeCommit? beforeCommit, CancellationToken cancellationToken);

    /// <summary>The newest <paramref name="count"/> messages, ascending.</summary>
    Task<IReadOnlyList<ChatMessage>> GetLatestAsync(string room, int count, CancellationToken cancellationToken);

    /// <summary>The oldest messages with id greater than <paramref name="afterId"/>, ascending, at most <paramref name="count"/>.</summary>
    Task<IReadOnlyList<ChatMessage>> GetAfterAsync(string room, long afterId, int count, CancellationToken cancellationToken);

    /// <summary>The newest messages with id less than <paramref name="beforeId"/>, ascending, at most <paramref name="count"/>.</summary>
    Task<IReadOnlyList<ChatMessage>> GetBeforeAsync(string room, long beforeId, int count, CancellationToken cancellationToken);

    /// <summary>
    /// The replies of thread <paramref name="rootId"/> with id greater than <paramref name="afterId"/>, oldest first, at
    /// most <paramref name="count"/>, in their current state.
    /// </summary>
    Task<IReadOnlyList<ChatMessage>> GetThreadAsync(string room, long rootId, long afterId, int count, CancellationToken cancellationToken);

    /// <summary>The room's entries with these ids, in their current state, ascending; ids not stored are left out.</summary>
    Task<IReadOnlyList<ChatMessage>> GetByIdsAsync(string room, IReadOnlyCollection<long> ids, CancellationToken cancellationToken);

    /// <summary>Answers when the store can be reached.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}

/// <summary>Work that commits, or not, with an append: called inside its transaction, on its connection.</summary>
public delegate Task BeforeCommit(DbConnection connection, AppendResult stored, CancellationToken cancellationToken);

/// <summary>
/// A message to store, before it has an id. With a <paramref name="ClientMessageId"/>, the store keeps at most one
/// message per (room, user, id): a repeat is answered with the one stored first. <paramref name="ReplyToId"/> and
/// <paramref name="ThreadId"/> are decided inside the append's transaction (as a <see cref="NewRoomChange"/> is): the
/// message it answers must be a <c>message</c> entry of the room not deleted, the thread root one with no thread of its
/// own; else nothing is stored and the write is refused (<see cref="PostTargetNotFoundException"/>). The store finds the
/// mentions in the text itself (<see cref="MessageMentions"/>). <paramref name="AttachmentIds"/> (distinct) are claimed in
/// the same transaction: each must be an unused upload of the author's for this room, else the write is refused as above.
/// </summary>
public sealed record NewChatMessage(
    string Room, string UserId, string UserName, string Text, string? ClientMessageId = null,
    long? ReplyToId = null, long? ThreadId = null, IReadOnlyList<string>? AttachmentIds = null)
{
    /// <summary>Whether the store must check what this message refers to before storing it.</summary>
    public bool RefersToOthers => ReplyToId is not null || ThreadId is not null || AttachmentIds is { Count: > 0 };
}

/// <summary>
/// A direct message to store, before it has an id; at most one per (sender, target, <paramref name="ClientMessageId"/>).
/// <paramref name="ReplyToId"/> names a message of the same conversation (checked before: docs/protocol.md, "PostDirect").
/// <paramref name="AttachmentIds"/> (distinct) are claimed inside the append's transaction, as a room message's: a write
/// naming one that is not an unused upload of the sender's for this conversation is refused (its answer is null).
/// </summary>
public sealed record NewDirectMessage(
    string FromUserId, string FromUserName, string ToUserId, string Text, string? ClientMessageId = null, long? ReplyToId = null,
    IReadOnlyList<string>? AttachmentIds = null);

/// <summary>
/// An <c>edit</c>, <c>delete</c>, <c>react</c> or <c>unreact</c> of message <paramref name="TargetId"/> by
/// <paramref name="UserId"/>, before it has an id. The store decides it inside the append's transaction, on the target as
/// it is then: an edit is the author's, of a message not deleted and sent less than <paramref name="EditWindow"/> before
/// the batch; a delete is the author's, or anyone's when <paramref name="MayDeleteOthers"/> (a moderator); a reaction is
/// anyone's on a message not deleted, stored only when it changes something, and a new emoji only while the message has
/// fewer than <paramref name="MaxReactionKinds"/>. <paramref name="Text"/> is the new text of an edit, the emoji of a
/// reaction, empty for a delete; an edit's mentions replace the target's.
/// </summary>
public sealed record NewRoomChange(
    string Room, string UserId, string UserName, string Kind, long TargetId, string Text, bool MayDeleteOthers = false, TimeSpan EditWindow = default,
    int MaxReactionKinds = 0);

/// <summary>
/// (v3) The same changes in a conversation (docs/protocol.md, "A conversation's log"): the target is a <c>message</c> of a
/// conversation <paramref name="UserId"/> is in (with <paramref name="OtherUserId"/>, when given), and only its author edits
/// or deletes it.
/// </summary>
public sealed record NewDirectChange(
    string UserId, string UserName, string Kind, long TargetId, string Text, TimeSpan EditWindow = default, int MaxReactionKinds = 0, string? OtherUserId = null);

/// <summary>
/// What one transaction stores, and when (one timestamp for the batch). <paramref name="Changes"/> (edits, deletes,
/// reactions) take their ids after the batch's messages, <paramref name="DirectChanges"/> after its direct messages.
/// </summary>
public sealed record WriteBatch(
    IReadOnlyList<NewChatMessage> Messages,
    IReadOnlyList<NewDirectMessage> DirectMessages,
    DateTime SentAt,
    IReadOnlyList<NewRoomChange>? Changes = null,
    IReadOnlyList<NewDirectChange>? DirectChanges = null);

/// <summary>How the store decided a <see cref="NewRoomChange"/> or a <see cref="NewDirectChange"/>.</summary>
public enum RoomChangeOutcome
{
    /// <summary>A new entry was stored and its target rewritten.</summary>
    Stored,

    /// <summary>A delete of a message deleted before: the answer is that earlier <c>delete</c> entry; nothing stored.</summary>
    AlreadyDeleted,

    /// <summary>The room (the caller's conversations) has no <c>message</c> entry with that id; for a reaction, also a deleted one.</summary>
    NotFound,

    /// <summary>Someone else's message (an edit, or a delete by a non-moderator).</summary>
    NotAuthor,

    /// <summary>An edit of a deleted message.</summary>
    Deleted,

    /// <summary>An edit after the edit window.</summary>
    WindowPassed,

    /// <summary>A reaction already there, or the removal of one not there: nothing stored; the answer's target is as it was.</summary>
    Unchanged,

    /// <summary>A new emoji on a message that has the most kinds allowed.</summary>
    TooManyKinds,
}

/// <summary>
/// The answer to one <see cref="NewRoomChange"/>: its entry (new, or the earlier delete), or why there is none; for a
/// reaction, also <paramref name="Target"/> as it is now stored.
/// </summary>
public sealed record RoomChangeAnswer(RoomChangeOutcome Outcome, ChatMessage? Entry = null, ChatMessage? Target = null);

/// <summary>The answer to one <see cref="NewDirectChange"/>, as <see cref="RoomChangeAnswer"/>.</summary>
public sealed record DirectChangeAnswer(RoomChangeOutcome Outcome, DirectMessage? Entry = null, DirectMessage? Target = null);

/// <summary>
/// What a batch stored and what each of its writes is answered with. <see cref="Messages"/> and
/// <see cref="DirectMessages"/> are the entries new in this batch, in batch order: what delivery gets.
/// <see cref="MessageAnswers"/> and <see cref="DirectAnswers"/> have one entry per write of the batch, in its
/// order: the new entry, or for a repeated client message id the entry stored first (by an earlier batch, another
/// node, or an earlier write of this batch); null for a message whose reply or thread target or uploads were not found
/// (nothing stored). <see cref="Messages"/> holds the new edit and delete entries too, after
/// the messages (each room's in id order); <see cref="ChangeAnswers"/> has one answer per change of the batch.
/// <see cref="DirectMessages"/> likewise holds the new entries of direct changes after the direct messages, and
/// <see cref="DirectChangeAnswers"/> one answer per direct change. <see cref="RemovedUploads"/>: the ids of the uploads whose
/// descriptions left with the batch (a deleted or pruned message's), whose bytes are to follow once it commits.
/// </summary>
public sealed record AppendResult(
    IReadOnlyList<ChatMessage> Messages,
    IReadOnlyList<DirectMessage> DirectMessages,
    IReadOnlyList<ChatMessage?> MessageAnswers,
    IReadOnlyList<DirectMessage?> DirectAnswers,
    IReadOnlyList<RoomChangeAnswer>? ChangeAnswers = null,
    IReadOnlyList<DirectChangeAnswer>? DirectChangeAnswers = null,
    IReadOnlyList<string>? RemovedUploads = null);
