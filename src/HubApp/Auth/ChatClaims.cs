using System.Security.Claims;
using HubApp.Errors;

namespace HubApp.Auth;

/// <summary>Identity as the hub sees it: only from validated token claims, never from a payload.</summary>
public static class ChatClaims
{
    public const string Subject = "sub";
    public const string Name = "name";

    /// <summary>Roles; a token may carry one (a string) or several (an array). See <see cref="AuthOptions.AdminRole"/>.</summary>
    public const string Role = "role";

    /// <summary>Longest user id (<c>sub</c>) accepted.</summary>
    public const int MaxUserIdLength = 128;

    public static string? UserId(this ClaimsPrincipal? user) => user?.FindFirst(Subject)?.Value;

    /// <summary>The display name: the <c>name</c> claim cleaned and bounded (<see cref="DisplayName"/>), else the user id.</summary>
    public static string UserName(this ClaimsPrincipal? user) => DisplayName.Clean(user?.FindFirst(Name)?.Value, user.UserId() ?? string.Empty);

    /// <summary>Whether the token's <c>role</c> claim (one string, or each element of an array) is <paramref name="adminRole"/>.</summary>
    public static bool IsAdmin(this ClaimsPrincipal? user, string adminRole) =>
        user is not null && user.HasClaim(c => c.Type == Role && string.Equals(c.Value, adminRole, StringComparison.Ordinal));

    /// <summary>
    /// The caller a validated token makes, on the hub (its connection id) or over HTTP (<paramref name="connectionId"/> empty):
    /// identity only from the claims, admin from <paramref name="adminRole"/>.
    /// </summary>
    public static Presence.ChatCaller ToCaller(this ClaimsPrincipal? user, string connectionId, string adminRole) =>
        new(connectionId, new Contracts.Member(user.UserId() ?? string.Empty, user.UserName()), user.IsAdmin(adminRole));

    /// <summary>The user id a call names (a direct message's target, say), refused with <c>invalid_user</c> when malformed.</summary>
    internal static string RequireValidUserId(string? userId) => IsValidUserId(userId) ? userId! : throw ChatErrors.InvalidUser();

    /// <summary>A user id is 1–128 characters with no white space, control or format characters (a token's <c>sub</c> with one gets 401).</summary>
    public static bool IsValidUserId(string? userId) =>
        !string.IsNullOrEmpty(userId)
        && userId.Length <= MaxUserIdLength
        && !userId.Any(c => char.IsWhiteSpace(c) || char.IsSurrogate(c))
        && !DisplayName.HasRemovable(userId);
}
