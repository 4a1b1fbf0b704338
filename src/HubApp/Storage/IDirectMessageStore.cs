using HubApp.Contracts;

namespace HubApp.Storage;

/// <summary>
/// Reads of stored direct messages. A conversation is the messages between two users, in either direction (a note to
/// self is a conversation with oneself). Ids increase across all direct messages, not per conversation.
/// </summary>
/// <remarks>Called concurrently from every connection; a store that cannot answer throws <see cref="StoreUnavailableException"/>.</remarks>
public interface IDirectMessageStore
{
    /// <summary>The newest messages between the two users with id less than <paramref name="beforeId"/>, ascending, at most <paramref name="count"/>.</summary>
    Task<IReadOnlyList<DirectMessage>> GetConversationBeforeAsync(string userId, string otherUserId, long beforeId, int count, CancellationToken cancellationToken);

    /// <summary>The oldest messages to or from <paramref name="userId"/> with id greater than <paramref name="afterId"/>, ascending.</summary>
    Task<IReadOnlyList<DirectMessage>> GetDirectAfterAsync(string userId, long afterId, int count, CancellationToken cancellationToken);

    /// <summary>The newest <paramref name="count"/> messages to or from <paramref name="userId"/>, ascending.</summary>
    Task<IReadOnlyList<DirectMessage>> GetDirectLatestAsync(string userId, int count, CancellationToken cancellationToken);

    /// <summary>
    /// The user's conversations, most recent first, at most <paramref name="count"/>: the other user, the last message,
    /// the user's read marker and the messages from the other user after it (at most <paramref name="maxUnread"/>).
    /// </summary>
    Task<IReadOnlyList<Conversation>> GetConversationsAsync(string userId, int count, int maxUnread, CancellationToken cancellationToken);

    /// <summary>(v3) Whether <paramref name="messageId"/> is a <c>message</c> entry of the conversation of the two users (a reply's parent).</summary>
    Task<bool> IsConversationMessageAsync(string userId, string otherUserId, long messageId, CancellationToken cancellationToken);
}
