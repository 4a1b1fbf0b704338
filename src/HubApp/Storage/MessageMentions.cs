namespace HubApp.Storage;

/// <summary>
/// The mentions of a message text (docs/protocol.md, "Mentions"): <c>@</c>, then a run of user-id characters (letters,
/// digits, <c>_</c>, <c>-</c>, <c>.</c>: the room name rule), ignoring case. Dots that end the run end a sentence
/// ("thanks @bob."), so they are not part of the id. "@bob" is in "hi @bob!", not in "@bobby". The store finds them as it
/// stores a text (a message, an edit), so both doors and every node agree on them; the one implementation.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class MessageMentions
{
    /// <summary>The most distinct users one message mentions; further ones are not mentions.</summary>
    public const int Max = 20;

    /// <summary>The user ids <paramref name="text"/> mentions, lowercased, distinct, in the order they first occur, at most <see cref="Max"/>.</summary>
    public static IReadOnlyList<string> Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<string>? found = null;
        for (var at = text.IndexOf('@', StringComparison.Ordinal); at >= 0 && (found?.Count ?? 0) < Max; at = text.IndexOf('@', at + 1))
        {
            var end = at + 1;
            while (end < text.Length && IsIdCharacter(text[end]))
            {
                end++;
            }

            var run = text.AsSpan(at + 1, end - at - 1).TrimEnd('.');
            if (run.Length > 0)
            {
                var id = run.ToString().ToLowerInvariant();
                found ??= [];
                if (!found.Contains(id))
                {
                    found.Add(id);
                }
            }
        }

        return (IReadOnlyList<string>?)found ?? [];
    }

    private static bool IsIdCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';
}
