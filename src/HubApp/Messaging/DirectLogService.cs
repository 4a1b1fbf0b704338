using HubApp.Auth;
using HubApp.Contracts;
using HubApp.Errors;
using HubApp.Limits;
using HubApp.Presence;
using HubApp.Storage;
using Microsoft.Extensions.Options;

namespace HubApp.Messaging;

/// <summary>
/// Writes to a conversation's log (docs/protocol.md, "A conversation's log"): PostDirect and the v2 direct sends, which
/// share its checks, and the edits, deletes and reactions, decided in the store on the target as it is when the change
/// commits (<see cref="NewDirectChange"/>). Everything goes through the group commit and is delivered to both users.
/// </summary>
internal sealed class DirectLogService(MessageWriter writer, IDirectMessageStore store, IOptions<LimitsOptions> limits, IOptions<AttachmentsOptions> attachments)
{
    /// <summary>SendDirectMessage and PostDirectMessage: a draft with only text and a client message id.</summary>
    public Task<DirectMessage> SendAsync(ChatCaller caller, string? userId, string? text, string? clientMessageId, CancellationToken cancellationToken) =>
        PostAsync(caller, userId, text, clientMessageId, replyToId: null, uploads: null, cancellationToken);

    /// <summary>
    /// PostDirect. Direct messages have no threads: a <c>threadId</c> is <c>invalid_message</c>, whatever it names. The uploads
    /// are claimed by the store, in the append's transaction (<c>not_found</c> when one is not the caller's unused upload for
    /// this conversation); a draft with some may show no text.
    /// </summary>
    public Task<DirectMessage> PostAsync(ChatCaller caller, string? userId, Draft? draft, CancellationToken cancellationToken)
    {
        if (draft is null)
        {
            throw ChatErrors.InvalidMessage();
        }

        if (draft.ThreadId is not null)
        {
            throw ChatErrors.InvalidArgument("direct messages have no threads: threadId must be null.");
        }

        var uploads = DraftAttachments.Validate(draft.AttachmentIds, attachments.Value.MaxPerMessage);
        return PostAsync(caller, userId, draft.Text, draft.ClientMessageId, draft.ReplyToId, uploads, cancellationToken);
    }

    public async Task<DirectMessage> EditAsync(ChatCaller caller, long messageId, string? text, CancellationToken cancellationToken)
    {
        var body = MessageText.Validate(text, limits.Value.MaxMessageLength);
        var change = new NewDirectChange(caller.UserId, caller.UserName, MessageKinds.Edit, messageId, body, EditWindow: limits.Value.EditWindow);
        return Answer(await writer.WriteAsync(change, cancellationToken), messageId);
    }

    /// <summary>Deleting a deleted message returns the earlier <c>delete</c> entry, as in a room.</summary>
    public async Task<DirectMessage> DeleteAsync(ChatCaller caller, long messageId, CancellationToken cancellationToken)
    {
        var change = new NewDirectChange(caller.UserId, caller.UserName, MessageKinds.Delete, messageId, string.Empty);
        return Answer(await writer.WriteAsync(change, cancellationToken), messageId);
    }

    /// <summary>ReactDirect: on a message of the conversation with <paramref name="userId"/>; answered with the target as now stored.</summary>
    public async Task<DirectMessage> ReactAsync(ChatCaller caller, string? userId, long messageId, string? emoji, bool add, CancellationToken cancellationToken)
    {
        var other = ChatClaims.RequireValidUserId(userId);
        var change = new NewDirectChange(
            caller.UserId, caller.UserName, add ? MessageKinds.React : MessageKinds.Unreact, messageId, Emoji.Validate(emoji),
            MaxReactionKinds: limits.Value.MaxReactionKinds, OtherUserId: other);
        return await writer.WriteAsync(change, cancellationToken) switch
        {
            { Outcome: RoomChangeOutcome.Stored or RoomChangeOutcome.Unchanged, Target: { } target } => target,
            var refused => throw MessageEditService.Refusal(refused.Outcome, messageId, limits.Value, () => ChatErrors.DirectMessageNotFound(messageId)),
        };
    }

    /// <summary>
    /// The one checked path of a direct message. A reply's parent is checked before the write, not in its transaction: a
    /// message entry stays one for good (only pruning takes it away), so what is found here is still so at the commit.
    /// </summary>
    private async Task<DirectMessage> PostAsync(
        ChatCaller caller, string? userId, string? text, string? clientMessageId, long? replyToId, IReadOnlyList<string>? uploads, CancellationToken cancellationToken)
    {
        var target = ChatClaims.RequireValidUserId(userId);
        var body = MessageText.Validate(text, limits.Value.MaxMessageLength, mayShowNothing: uploads is not null);
        var id = ClientMessageId.Validate(clientMessageId);
        if (replyToId is { } parent && !await store.IsConversationMessageAsync(caller.UserId, target, parent, cancellationToken))
        {
            throw ChatErrors.DirectMessageNotFound(parent);
        }

        try
        {
            return await writer.WriteAsync(new NewDirectMessage(caller.UserId, caller.UserName, target, body, id, replyToId, uploads), cancellationToken);
        }
        catch (UploadNotFoundException)
        {
            throw ChatErrors.AttachmentNotFound();
        }
    }

    private DirectMessage Answer(DirectChangeAnswer answer, long messageId) => answer switch
    {
        { Outcome: RoomChangeOutcome.Stored or RoomChangeOutcome.AlreadyDeleted, Entry: { } entry } => entry,
        _ => throw MessageEditService.Refusal(answer.Outcome, messageId, limits.Value, () => ChatErrors.DirectMessageNotFound(messageId)),
    };
}
