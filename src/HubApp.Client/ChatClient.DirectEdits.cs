using HubApp.Contracts;

namespace HubApp.Client;

// Direct messages as a log (contract v3): edits and deletes append entries to the conversation, raised through
// DirectMessageReceived like messages. Both go out on the outbox, in one chain for every conversation's changes (the
// method names no user), and are retried after rate_limited and unavailable, which stored nothing. After a lost
// connection a delete is posted again (a second delete returns the first), an edit is not: it would be stored twice.
public sealed partial class ChatClient
{
    private const string DirectChangesChain = "dm-changes";

    /// <summary>Replaces the text of the user's own direct message (within the server's edit window) and returns the <c>edit</c> entry.</summary>
    /// <exception cref="ChatException"><c>not_found</c>, or <c>forbidden</c> for someone else's message, after the window, or a deleted one.</exception>
    /// <exception cref="InvalidOperationException">The connection went before the answer: the edit may or may not have been stored.</exception>
    public Task<DirectMessage> EditDirectMessageAsync(long messageId, string text, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var send = new OutboxSend(DirectChangesChain, HubMethods.EditDirectMessage, [messageId, text], $"edit of {messageId}", SafeToRepeat: false);
        return EnqueueSend<DirectMessage>(send, ct);
    }

    /// <summary>Deletes the user's own direct message and returns the <c>delete</c> entry: the earlier one when it was deleted before.</summary>
    public Task<DirectMessage> DeleteDirectMessageAsync(long messageId, CancellationToken ct = default) =>
        EnqueueSend<DirectMessage>(new OutboxSend(DirectChangesChain, HubMethods.DeleteDirectMessage, [messageId], $"delete of {messageId}"), ct);
}
