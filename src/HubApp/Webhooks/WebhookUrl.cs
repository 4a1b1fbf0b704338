namespace HubApp.Webhooks;

/// <summary>
/// The rule a webhook URL meets, at registration and again before each send (the allowed hosts may have changed): absolute,
/// no user information, and <c>https</c>, or <c>http</c> to a host of <see cref="WebhooksOptions.AllowedHosts"/>. So that
/// an admin's typo cannot make the host post in clear text, and a test's receiver on 127.0.0.1 can be reached.
/// </summary>
internal static class WebhookUrl
{
    /// <summary>The longest URL stored.</summary>
    public const int MaxLength = 2048;

    public static bool IsAllowed(string? url, IReadOnlyCollection<string> allowedHosts, out Uri? uri)
    {
        uri = null;
        if (url is null || url.Length > MaxLength || !Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.UserInfo.Length > 0)
        {
            return false;
        }

        var allowedHost = allowedHosts.Contains(parsed.IdnHost, StringComparer.OrdinalIgnoreCase);
        if (parsed.Scheme == Uri.UriSchemeHttps || (parsed.Scheme == Uri.UriSchemeHttp && allowedHost))
        {
            uri = parsed;
            return true;
        }

        return false;
    }
}
