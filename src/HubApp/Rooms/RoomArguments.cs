using System.Globalization;
using HubApp.Auth;
using HubApp.Contracts;
using HubApp.Errors;

namespace HubApp.Rooms;

/// <summary>The room methods' arguments, checked; a malformed one is refused with <c>invalid_message</c>.</summary>
internal static class RoomArguments
{
    public const int MaxTopicLength = 256;

    /// <summary><c>public</c> or <c>private</c>, as CreateRoom takes it.</summary>
    public static string RequireVisibility(string? visibility) => visibility switch
    {
        RoomKinds.Public or RoomKinds.Private => visibility,
        _ => throw ChatErrors.InvalidArgument("a room's visibility is 'public' or 'private'."),
    };

    public static string RequireRole(string? role) => role switch
    {
        RoomRoles.Owner or RoomRoles.Moderator or RoomRoles.Member => role,
        _ => throw ChatErrors.InvalidArgument("a role is 'owner', 'moderator' or 'member'."),
    };

    /// <summary>
    /// The topic as a display name is cleaned (<see cref="DisplayName.Visible"/>: no control or format characters, so no
    /// bidi override or zero-width character can disguise it in the directory; trimmed), null when nothing is left; at
    /// most <see cref="MaxTopicLength"/> characters after that.
    /// </summary>
    public static string? RequireTopic(string? topic)
    {
        var visible = topic is null ? null : DisplayName.Visible(topic);
        if (string.IsNullOrEmpty(visible))
        {
            return null;
        }

        return visible.Length > MaxTopicLength
            ? throw ChatErrors.InvalidArgument($"a topic is at most {MaxTopicLength} characters.")
            : visible;
    }

    /// <summary>An ISO-8601 time after <paramref name="now"/>, as UTC; null (no end) stays null.</summary>
    public static DateTime? RequireUntil(string? until, DateTime now)
    {
        if (until is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(until, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) && time.UtcDateTime > now
            ? time.UtcDateTime
            : throw ChatErrors.InvalidArgument("an end time is an ISO-8601 time in the future, or null for none.");
    }
}
