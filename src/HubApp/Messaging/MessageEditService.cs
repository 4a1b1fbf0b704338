using HubApp.Contracts;
using HubApp.Errors;
using HubApp.Limits;
using HubApp.Presence;
using HubApp.Rooms;
using HubApp.Storage;
using Microsoft.Extensions.Options;

namespace HubApp.Messaging;

/// <summary>
/// EditMessage and DeleteMessage: the caller's checks here (may read or post, then joined; moderates), the rest in the store, on
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

    private ChatMessage Answer(RoomChangeAnswer answer, string room, long messageId) => answer switch
    {
        { Outcome: RoomChangeOutcome.Stored or RoomChangeOutcome.AlreadyDeleted, Entry: { } entry } => entry,
        { Outcome: RoomChangeOutcome.NotAuthor } => throw ChatErrors.Forbidden($"message {messageId} is someone else's."),
        { Outcome: RoomChangeOutcome.Deleted } => throw ChatErrors.Forbidden($"message {messageId} was deleted."),
        { Outcome: RoomChangeOutcome.WindowPassed } =>
            throw ChatErrors.Forbidden($"message {messageId} can no longer be edited: messages may be edited for {limits.Value.EditWindow} after sending."),
        _ => throw ChatErrors.MessageNotFound(room, messageId),
    };
}
