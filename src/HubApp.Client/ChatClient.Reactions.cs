using HubApp.Contracts;

namespace HubApp.Client;

// Reactions (contract v3). They go out on the outbox, in the chain of their room (conversation), so a reaction to a
// message just sent waits for it, and a lost connection, rate_limited or unavailable posts them again: a repeat changes
// nothing, since the server stores a react or unreact entry only when the reaction really changes.
public sealed partial class ChatClient
{
    /// <summary>
    /// Adds (<paramref name="add"/>) or removes the user's reaction <paramref name="emoji"/> on message
    /// <paramref name="messageId"/> and returns the message as now stored; the <c>react</c> or <c>unreact</c> entry, when
    /// there is one, is raised through <see cref="MessageReceived"/>.
    /// </summary>
    /// <exception cref="ChatException"><c>not_found</c> (no such message, or deleted), <c>invalid_message</c> (the emoji, or one kind too many), <c>muted</c>, <c>forbidden</c>.</exception>
    public Task<ChatMessage> ReactAsync(string room, long messageId, string emoji, bool add = true, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(emoji);
        var send = new OutboxSend(RoomChain(room), HubMethods.React, [room, messageId, emoji, add], ReactionLabel(messageId, emoji, add));
        return EnqueueSend<ChatMessage>(send, ct);
    }

    /// <summary>As <see cref="ReactAsync"/>, on a message of the conversation with <paramref name="userId"/>.</summary>
    public Task<DirectMessage> ReactDirectAsync(string userId, long messageId, string emoji, bool add = true, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(emoji);
        var send = new OutboxSend(DirectChain(userId), HubMethods.ReactDirect, [userId, messageId, emoji, add], ReactionLabel(messageId, emoji, add));
        return EnqueueSend<DirectMessage>(send, ct);
    }

    private static string ReactionLabel(long messageId, string emoji, bool add) => $"{(add ? "+" : "-")}{emoji} on {messageId}";
}
