using HubApp.Auth;
using HubApp.Contracts;
using HubApp.Errors;
using HubApp.Limits;
using HubApp.Presence;
using HubApp.Rooms;
using HubApp.Storage;
using Microsoft.Extensions.Options;

namespace HubApp.Search;

/// <summary>
/// SearchMessages and SearchDirectMessages: where a caller may search, decided before the store is asked. In a named room
/// the room's read rule decides (<see cref="RoomAuthorization"/>, as for its history; the caller need not have joined it
/// on this connection); without one, the rooms of the caller's list that they may still read, and nothing else: not a
/// private room they left, not an open room they never joined. Direct messages: only the caller's own conversations.
/// </summary>
/// <remarks>Called concurrently from every connection; reads only. Each call counts toward the read allowance (the hub's filter).</remarks>
internal sealed class SearchService(ISearchStore store, IUserRoomStore userRooms, RoomAuthorization authorization, IOptions<LimitsOptions> limits)
{
    /// <summary>Most results a search returns (fixed by the contract).</summary>
    public const int MaxResults = 50;

    /// <summary>Longest query, in UTF-16 code units (fixed by the contract).</summary>
    public const int MaxQueryLength = 256;

    /// <summary>
    /// Message entries holding every word of <paramref name="query"/>, newest first, <paramref name="limit"/> clamped to
    /// 1–50. <paramref name="beforeId"/> pages within one room: without <paramref name="room"/> it is <c>invalid_message</c>.
    /// </summary>
    public async Task<IReadOnlyList<ChatMessage>> MessagesAsync(
        ChatCaller caller, string? query, string? room, long? beforeId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var words = RequireWords(query);
        IReadOnlyCollection<string> rooms;
        if (room is not null)
        {
            var name = RoomAccess.RequireValid(room);
            await authorization.RequireReadableAsync(caller, name, cancellationToken);
            rooms = [name];
        }
        else if (beforeId is not null)
        {
            throw ChatErrors.InvalidArgument("beforeId pages the results of one room: name the room too.");
        }
        else
        {
            rooms = await ReadableRoomsAsync(caller, cancellationToken);
        }

        return await store.SearchMessagesAsync(words, rooms, beforeId, Math.Clamp(limit, 1, MaxResults), cancellationToken);
    }

    /// <summary>The caller's direct messages holding every word, newest first; only those with <paramref name="userId"/> when given.</summary>
    public Task<IReadOnlyList<DirectMessage>> DirectAsync(ChatCaller caller, string? query, string? userId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var words = RequireWords(query);
        var other = userId is null ? null : ChatClaims.RequireValidUserId(userId);
        return store.SearchDirectMessagesAsync(words, caller.UserId, other, Math.Clamp(limit, 1, MaxResults), cancellationToken);
    }

    private static SearchWords RequireWords(string? query) =>
        query is { Length: > 0 and <= MaxQueryLength } && SearchWords.Parse(query) is { } words
            ? words
            : throw ChatErrors.InvalidArgument($"a search is 1–{MaxQueryLength} characters with at least one letter or digit.");

    // The list as GetMyRooms gives it: a room stays on it through a ban, or after an open room was claimed as private, until
    // the rule of who reads what says otherwise, so it decides here too.
    private async Task<IReadOnlyCollection<string>> ReadableRoomsAsync(ChatCaller caller, CancellationToken cancellationToken)
    {
        var readable = new List<string>();
        foreach (var listed in await userRooms.GetUserRoomsAsync(caller.UserId, null, limits.Value.MaxRoomsPerUser, maxUnread: 0, cancellationToken))
        {
            if (await authorization.CanReadAsync(caller, listed.Room, cancellationToken))
            {
                readable.Add(listed.Room);
            }
        }

        return readable;
    }
}
