using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace HubApp.Rooms;

/// <summary>Room names: 1–64 characters, a letter or digit then letters, digits, '_', '-' or '.'; case-insensitive.</summary>
public static partial class RoomName
{
    public const int MaxLength = 64;

    /// <summary>The lowercase form of a valid name, which is how the server stores and answers it.</summary>
    public static bool TryNormalize(string? name, [NotNullWhen(true)] out string? normalized)
    {
        if (name is null || !Pattern().IsMatch(name))
        {
            normalized = null;
            return false;
        }

        normalized = name.ToLowerInvariant();
        return true;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
