using HubApp.Contracts;
using HubApp.Errors;
using HubApp.Limits;
using HubApp.Presence;
using HubApp.Rooms;
using HubApp.Storage;
using Microsoft.Extensions.Options;

namespace HubApp.Messaging;

/// <summary>
/// EditMessage, DeleteMessage and React: the caller's checks here (may read or post, then joined; moderates), the rest in the store, on
/// the target as it is when the change commits (<see cref="NewRoomChange"/>). The new entry goes out through the same
/// group commit and delivery as a message; client message ids do not apply.
/// </summary>
internal sealed class MessageEditService(
    PresenceTracker presence,
    RoomAuthorization authorization,
    MessageWriter writer,
    IOptions<LimitsOptions> limits)
{
    public async Task<ChatMessage> EditAsync(ChatCaller caller, string? room, long messageId, string? text, CancellationToken cancellationToken)
    {
        // Refused before not_in_room, as everywhere: forbidden (a private room, a ban), then muted.
        var name = RoomAccess.RequireValid(room);
        await authorization.RequirePostableAsync(caller, name, cancellationToken);
        presence.RequireJoined(caller, name);
        var body = MessageText.Validate(text, limits.Value.MaxMessageLength);
        var change = new NewRoomChange(name, caller.UserId, caller.UserName, MessageKinds.Edit, messageId, body, EditWindow: limits.Value.EditWindow);
        return Answer(await writer.WriteAsync(change, cancellationToken), name, messageId);
    }

    public async Task<ChatMessage> DeleteAsync(ChatCaller caller, string? room, long messageId, CancellationToken cancellationToken)
    {
        var name = RoomAccess.RequireValid(room);
        var rights = await authorization.RequireReaderAsync(caller, name, cancellationToken);
        presence.RequireJoined(caller, name);
        var change = new NewRoomChange(name, caller.UserId, caller.UserName, MessageKinds.Delete, messageId, string.Empty, MayDeleteOthers: rights.Moderates);
        return Answer(await writer.WriteAsync(change, cancellationToken), name, messageId);
    }

    /// <summary>
    /// React: anyone who may post in the room (muted refused) and has joined it, as for an edit. Answered with the target as
    /// now stored, whether the reaction changed anything or not.
    /// </summary>
    public async Task<ChatMessage> ReactAsync(ChatCaller caller, string? room, long messageId, string? emoji, bool add, CancellationToken cancellationToken)
    {
        var name = RoomAccess.RequireValid(room);
        await authorization.RequirePostableAsync(caller, name, cancellationToken);
        presence.RequireJoined(caller, name);
        var change = new NewRoomChange(
            name, caller.UserId, caller.UserName, add ? MessageKinds.React : MessageKinds.Unreact, messageId, Emoji.Validate(emoji), MaxReactionKinds: limits.Value.MaxReactionKinds);
        return await writer.WriteAsync(change, cancellationToken) switch
        {
            { Outcome: RoomChangeOutcome.Stored or RoomChangeOutcome.Unchanged, Target: { } target } => target,
            var refused => throw Refusal(refused.Outcome, messageId, limits.Value, () => ChatErrors.MessageNotFound(name, messageId)),
        };
    }

    private ChatMessage Answer(RoomChangeAnswer answer, string room, long messageId) => answer switch
    {
        { Outcome: RoomChangeOutcome.Stored or RoomChangeOutcome.AlreadyDeleted, Entry: { } entry } => entry,
        _ => throw Refusal(answer.Outcome, messageId, limits.Value, () => ChatErrors.MessageNotFound(room, messageId)),
    };

    /// <summary>Why an edit, delete or reaction was refused, in a room or a conversation: the contract's code for each outcome.</summary>
    internal static ChatRefusedException Refusal(RoomChangeOutcome outcome, long messageId, LimitsOptions limits, Func<ChatRefusedException> notFound) => outcome switch
    {
        RoomChangeOutcome.NotAuthor => ChatErrors.Forbidden($"message {messageId} is someone else's."),
        RoomChangeOutcome.Deleted => ChatErrors.Forbidden($"message {messageId} was deleted."),
        RoomChangeOutcome.WindowPassed =>
            ChatErrors.Forbidden($"message {messageId} can no longer be edited: messages may be edited for {limits.EditWindow} after sending."),
        RoomChangeOutcome.TooManyKinds => ChatErrors.TooManyReactionKinds(messageId, limits.MaxReactionKinds),
        _ => notFound(),
    };
}
