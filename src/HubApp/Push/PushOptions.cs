namespace HubApp.Push;

/// <summary>Web Push for people who are away (docs/protocol.md, "Push notifications"), bound to <c>Push</c>.</summary>
public sealed class PushOptions
{
    public const string SectionName = "Push";

    /// <summary>
    /// The push services of the major browsers: Chrome and Edge's FCM, Firefox's autopush, Safari's Apple push, Windows
    /// (WNS). An entry starting with <c>*.</c> matches any subdomain of the rest.
    /// </summary>
    public static readonly string[] DefaultEndpointHosts =
    [
        "fcm.googleapis.com",
        "updates.push.services.mozilla.com",
        "push.services.mozilla.com",
        "*.push.apple.com",
        "*.notify.windows.com",
    ];

    public bool Enabled { get; set; } = true;

    /// <summary>The VAPID public key, base64url of the uncompressed P-256 point (65 bytes); with <see cref="PrivateKey"/>, or neither.</summary>
    public string? PublicKey { get; set; }

    /// <summary>The VAPID private key, base64url of the P-256 scalar (32 bytes).</summary>
    public string? PrivateKey { get; set; }

    /// <summary>Who runs this host, for the push services (RFC 8292 <c>sub</c>): a <c>mailto:</c> or <c>https:</c> URL.</summary>
    public string Subject { get; set; } = "mailto:hubapp@localhost";

    /// <summary>Hosts (or host:port) a subscription's endpoint may name; null: <see cref="DefaultEndpointHosts"/>.</summary>
    public string[]? AllowedEndpointHosts { get; set; }

    /// <summary>
    /// Accepts <c>http:</c> endpoints on any allowed host. For tests only: a push service is always <c>https:</c>. (An
    /// <c>http:</c> endpoint on a loopback host listed by name, a local receiver, is accepted without it.)
    /// </summary>
    public bool AllowHttpEndpoints { get; set; }

    /// <summary>Pushes waiting to be sent; past it a push is dropped (and counted), never a message.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Pushes in flight at once on this node.</summary>
    public int MaxConcurrentSends { get; set; } = 8;

    /// <summary>How long one request to a push service may take.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public IReadOnlyList<string> EndpointHosts => AllowedEndpointHosts ?? DefaultEndpointHosts;
}
