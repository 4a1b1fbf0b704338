namespace HubApp.Telemetry;

/// <summary>
/// OTLP export of metrics and traces. Section <c>Telemetry</c>:
/// <code>
/// "Telemetry": { "OtlpEndpoint": "http://collector:4317", "OtlpProtocol": "grpc" }
/// </code>
/// The SDK's own settings still apply on top, for example <c>OTEL_METRIC_EXPORT_INTERVAL</c> (milliseconds,
/// default 60000) and <c>OTEL_EXPORTER_OTLP_HEADERS</c>.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    public const string Grpc = "grpc";
    public const string HttpProtobuf = "http/protobuf";

    /// <summary>
    /// The collector's base URL (http or https). Unset by default: nothing is exported, <c>/metrics</c> still answers.
    /// With <c>http/protobuf</c> the signal's path (<c>/v1/metrics</c>, <c>/v1/traces</c>) is appended.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> (default; collectors listen on 4317) or <c>http/protobuf</c> (4318).</summary>
    public string OtlpProtocol { get; set; } = Grpc;

    /// <summary>The endpoint as a URL, or null when it is unset or not an absolute http(s) URL (which validation reports).</summary>
    public Uri? OtlpEndpointUri() =>
        Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;
}
