namespace HubApp.Telemetry;

/// <summary>
/// The <c>GET /metrics</c> endpoint (Prometheus text). Section <c>Metrics</c>:
/// <code>
/// "Metrics": { "Enabled": true, "RequireAuth": false }
/// </code>
/// </summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>Where the endpoint answers.</summary>
    public const string Path = "/metrics";

    /// <summary>Whether <c>/metrics</c> answers; when false it is not mapped (404). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Whether <c>/metrics</c> needs an admin's bearer token (a <c>role</c> claim holding <c>Auth:AdminRole</c>):
    /// 401 without a valid token, 403 for anyone else. Default false: Prometheus scrapes without credentials, so
    /// keep the port off the public network or put the endpoint behind the proxy's own authentication.
    /// </summary>
    public bool RequireAuth { get; set; }
}
