using HubApp.Errors;

namespace HubApp.Messaging;

/// <summary>A reaction's emoji (contract v3, "Reactions"): shown as it is, so any text that shows something, within bounds.</summary>
internal static class Emoji
{
    public const int MaxLength = 32;

    /// <summary>
    /// Throws <c>invalid_message</c> unless <paramref name="emoji"/> is 1–32 UTF-16 code units with no white space or
    /// control character, shows something, and has no lone surrogate (which would not compare equal once stored).
    /// </summary>
    public static string Validate(string? emoji)
    {
        if (emoji is not { Length: > 0 and <= MaxLength } || MessageText.IsInvisible(emoji) || !emoji.EnumerateRunes().All(IsAllowed) || !MessageText.IsWellFormed(emoji))
        {
            throw ChatErrors.InvalidEmoji();
        }

        return emoji;
    }

    private static bool IsAllowed(System.Text.Rune rune) => !System.Text.Rune.IsWhiteSpace(rune) && !System.Text.Rune.IsControl(rune);
}
