using HubApp.Contracts;

namespace HubApp.Client;

// EditMessage and DeleteMessage (contract v2, "The room log"). Their entries arrive as MessageReceived, in id order like
// messages; fold them onto their targets (TargetId), as LogFolding and RoomTimeline do. Neither is retried nor queued:
// unlike a message, an edit or delete that failed is the user's to make again, and one made twice is harmless (a second
// delete returns the first).
public sealed partial class ChatClient
{
    /// <summary>
    /// Replaces the text of the caller's own message <paramref name="messageId"/> (within the server's edit window) and
    /// returns the <c>edit</c> entry; <see cref="ChatException"/> with <c>forbidden</c> or <c>not_found</c> otherwise.
    /// </summary>
    public Task<ChatMessage> EditMessageAsync(string room, long messageId, string text, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(text);
        EnsureConnected();
        return InvokeCoreAsync<ChatMessage>(HubMethods.EditMessage, [room, messageId, text], ct);
    }

    /// <summary>
    /// Deletes message <paramref name="messageId"/> (the caller's own, or any as a moderator) and returns the <c>delete</c>
    /// entry: the earlier one when it was deleted before.
    /// </summary>
    public Task<ChatMessage> DeleteMessageAsync(string room, long messageId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        EnsureConnected();
        return InvokeCoreAsync<ChatMessage>(HubMethods.DeleteMessage, [room, messageId], ct);
    }
}
