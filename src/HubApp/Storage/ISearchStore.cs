using HubApp.Contracts;

namespace HubApp.Storage;

/// <summary>
/// Full-text search over the stored <c>message</c> entries of rooms and conversations, on the database's own engine
/// (SQLite FTS5, PostgreSQL full-text search with a GIN index), newest first. The index follows every insert, rewrite
/// and removal of a text by itself (database triggers), so an edited message is found by its current text only and a
/// deleted or pruned one not at all. Callers decide who may read what: the store only searches where it is told.
/// </summary>
/// <remarks>Called concurrently from every connection; a store that cannot answer throws <see cref="StoreUnavailableException"/>.</remarks>
public interface ISearchStore
{
    /// <summary>
    /// Message entries of <paramref name="rooms"/> whose text holds every word of <paramref name="words"/>, in their
    /// current state, at most <paramref name="limit"/>: in one room newest id first (below <paramref name="beforeId"/> when
    /// given); across rooms newest first by time, then by room and id.
    /// </summary>
    Task<IReadOnlyList<ChatMessage>> SearchMessagesAsync(SearchWords words, IReadOnlyCollection<string> rooms, long? beforeId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Direct messages to or from <paramref name="userId"/> (only those with <paramref name="otherUserId"/>, when given)
    /// whose text holds every word, in their current state, newest first, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<DirectMessage>> SearchDirectMessagesAsync(SearchWords words, string userId, string? otherUserId, int limit, CancellationToken cancellationToken);
}
