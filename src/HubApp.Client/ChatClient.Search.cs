using HubApp.Contracts;

namespace HubApp.Client;

// Search (contract v3): reads, not sends, so they are not queued or retried; they count toward the read allowance.
public sealed partial class ChatClient
{
    /// <summary>
    /// Messages (thread replies included) whose current text holds every word of <paramref name="query"/> (the last also
    /// as a prefix), newest first, at most <paramref name="limit"/> (1–50): in <paramref name="room"/>, else across the
    /// user's rooms. <paramref name="beforeId"/> pages within one room.
    /// </summary>
    /// <exception cref="ChatException"><c>invalid_message</c> for a query without a letter or digit or over 256 characters; <c>forbidden</c>, <c>rate_limited</c>.</exception>
    public async Task<IReadOnlyList<ChatMessage>> SearchAsync(string query, string? room = null, long? beforeId = null, int limit = 20, CancellationToken ct = default) =>
        await Invoke<ChatMessage[]>(HubMethods.SearchMessages, [Required(query), room, beforeId, limit], ct).ConfigureAwait(false);

    /// <summary>As <see cref="SearchAsync"/>, over the user's direct conversations (only the one with <paramref name="userId"/> when given).</summary>
    public async Task<IReadOnlyList<DirectMessage>> SearchDirectAsync(string query, string? userId = null, int limit = 20, CancellationToken ct = default) =>
        await Invoke<DirectMessage[]>(HubMethods.SearchDirectMessages, [Required(query), userId, limit], ct).ConfigureAwait(false);
}
