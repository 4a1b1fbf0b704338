namespace HubApp.Client.Transport;

/// <summary>Builds the address our transport connects to, skipping SignalR's negotiate step.</summary>
internal static class WebSocketUri
{
    /// <summary>
    /// Maps http to ws and https to wss, and appends the token as <c>access_token</c>, the only way a
    /// WebSocket handshake can carry it (browsers cannot set headers on it; the server reads the query).
    /// </summary>
    public static Uri Create(Uri hubUrl, string? accessToken)
    {
        ArgumentNullException.ThrowIfNull(hubUrl);
        var builder = new UriBuilder(hubUrl)
        {
            Scheme = hubUrl.Scheme.ToLowerInvariant() switch
            {
                "http" or "ws" => "ws",
                "https" or "wss" => "wss",
                var other => throw new ArgumentException($"Unsupported scheme '{other}' in '{hubUrl}'; use http(s) or ws(s).", nameof(hubUrl)),
            },
        };

        if (!string.IsNullOrEmpty(accessToken))
        {
            var existing = builder.Query.TrimStart('?');
            var token = "access_token=" + Uri.EscapeDataString(accessToken);
            builder.Query = existing.Length == 0 ? token : existing + "&" + token;
        }

        return builder.Uri;
    }
}
