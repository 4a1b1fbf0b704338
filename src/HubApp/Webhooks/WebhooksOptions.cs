namespace HubApp.Webhooks;

/// <summary>
/// Webhook delivery (docs/integrations.md, "Webhooks"), section <c>Webhooks</c>, validated at start-up
/// (<see cref="WebhooksExtensions"/>):
/// <code>
/// "Webhooks": { "AllowedHosts": [], "MaxWebhooks": 100, "MaxRooms": 100, "Timeout": "00:00:10", "LeaseDuration": "00:00:30",
///               "RetryMinimum": "00:00:01", "RetryMaximum": "00:05:00", "PollInterval": "00:00:01", "MaxConcurrentDeliveries": 16 }
/// </code>
/// </summary>
public sealed class WebhooksOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>The most batch entries in one POST (the contract's).</summary>
    public const int MaxBatch = 100;

    /// <summary>
    /// Hosts a webhook URL may name with plain <c>http</c> (and any scheme's host is then also fine); every other URL must be
    /// <c>https</c>. Compared case-insensitively with the URL's host. Default: none.
    /// </summary>
    public string[] AllowedHosts { get; set; } = [];

    /// <summary>Webhooks stored at most; one more is <c>invalid_message</c>. Default 100 (1–10000).</summary>
    public int MaxWebhooks { get; set; } = 100;

    /// <summary>Rooms one webhook may list (null lists none: every room). Default 100 (1–1000).</summary>
    public int MaxRooms { get; set; } = 100;

    /// <summary>How long a receiver has to answer a batch; then it is retried. Default 10 s (at most 10 s, the contract's).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a node holds a (webhook, room) while it sends a batch; a node that dies holding one is replaced after it.
    /// Must exceed <see cref="Timeout"/> (with room to store the outcome). Default 30 s.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The first retry delay of a failed batch; each further failure doubles it, jittered. Default 1 s.</summary>
    public TimeSpan RetryMinimum { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest retry delay. Default 5 minutes (the most the contract allows).</summary>
    public TimeSpan RetryMaximum { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often each node compares every room's latest id with the cursors. Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Batches this node sends at once, over every webhook and room. Default 16 (1–1000).</summary>
    public int MaxConcurrentDeliveries { get; set; } = 16;
}
