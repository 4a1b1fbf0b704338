using HubApp.Storage;

namespace HubApp.Rooms;

/// <summary>
/// The caller's mentions after their read marker (<c>mentionCount</c> of RoomSnapshot and MyRoom, at most
/// <see cref="Max"/> a room): <c>message</c> entries by others whose text holds <c>@userId</c>. The one place that counts
/// them: mentions are not stored yet, so the store finds the texts that may hold one (<see cref="IUserRoomStore.GetMentionCandidatesAsync"/>)
/// and <see cref="Mentions"/> decides; once messages carry their mentions, both give way to a count over that column.
/// </summary>
/// <remarks>Stateless; called concurrently from every connection.</remarks>
internal sealed class MentionCounts(IUserRoomStore store)
{
    /// <summary>The most a count says (as for unread counts).</summary>
    public const int Max = 1000;

    /// <summary>The caller's mentions in <paramref name="room"/> after their marker.</summary>
    public async Task<int> InRoomAsync(string userId, string room, CancellationToken cancellationToken) =>
        CanBeMentioned(userId) ? Count(await store.GetMentionCandidatesAsync(userId, room, Max, cancellationToken), userId).GetValueOrDefault(room) : 0;

    /// <summary>The caller's mentions in each room of their list after their marker there (rooms without any left out).</summary>
    public async Task<IReadOnlyDictionary<string, int>> InListAsync(string userId, CancellationToken cancellationToken) =>
        CanBeMentioned(userId) ? Count(await store.GetMentionCandidatesAsync(userId, null, Max, cancellationToken), userId) : new Dictionary<string, int>();

    /// <summary>
    /// Whether <paramref name="text"/> mentions <paramref name="userId"/>: <c>@</c>, then a run of user-id characters
    /// (letters, digits, <c>_</c>, <c>-</c>, <c>.</c>: the room name rule) equal to the id, ignoring case. Dots that end the
    /// run end a sentence ("thanks @bob."), unless the id itself ends so. "@bob" is in "hi @bob!", not in "@bobby".
    /// </summary>
    public static bool Mentions(string text, string userId)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var at = text.IndexOf('@', StringComparison.Ordinal); at >= 0; at = text.IndexOf('@', at + 1))
        {
            var end = at + 1;
            while (end < text.Length && IsIdCharacter(text[end]))
            {
                end++;
            }

            var run = text.AsSpan(at + 1, end - at - 1);
            if (run.Equals(userId, StringComparison.OrdinalIgnoreCase) || run.TrimEnd('.').Equals(userId, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    // A user id with any other character can never follow an "@" whole: nobody can mention it, so there is nothing to read.
    private static bool CanBeMentioned(string userId) => userId.Length > 0 && userId.All(IsIdCharacter);

    private static bool IsIdCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';

    private static Dictionary<string, int> Count(IReadOnlyList<MentionCandidate> candidates, string userId)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var candidate in candidates)
        {
            if (Mentions(candidate.Text, userId))
            {
                counts[candidate.Room] = Math.Min(Max, counts.GetValueOrDefault(candidate.Room) + 1);
            }
        }

        return counts;
    }
}
