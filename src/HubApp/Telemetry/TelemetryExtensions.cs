using HubApp.Auth;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HubApp.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>SignalR's activity source: one span per hub method invocation.</summary>
    public const string SignalRActivitySource = "Microsoft.AspNetCore.SignalR.Server";

    /// <summary>
    /// The framework's meters on <c>/metrics</c>: requests, Kestrel's connections, SignalR's connections (<c>signalr_server_*</c>),
    /// routing, errors, rate limiting, authentication and authorization. What <c>AddAspNetCoreInstrumentation</c> would add
    /// but for <c>Microsoft.AspNetCore.MemoryPool</c>: it records a measurement on every rent and return of a Kestrel buffer,
    /// about 3% of the server's CPU in a fan-out (docs/performance.md), for a figure that says nothing of the chat.
    /// </summary>
    public static readonly string[] AspNetCoreMeters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.RateLimiting",
        "Microsoft.AspNetCore.Authentication",
        "Microsoft.AspNetCore.Authorization",
    ];

    /// <summary>
    /// OpenTelemetry: the framework's meters (ASP.NET Core hosting, Kestrel, SignalR connections, .NET runtime) and
    /// HubApp's own (<see cref="ChatMetrics"/>) for <c>/metrics</c>, also exported over OTLP when
    /// <c>Telemetry:OtlpEndpoint</c> is set, and then traces of HTTP requests and hub invocations too. Sections <c>Metrics</c>
    /// (<see cref="MetricsOptions"/>) and <c>Telemetry</c> (<see cref="TelemetryOptions"/>).
    /// </summary>
    public static WebApplicationBuilder AddChatTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName).ValidateOnStart();
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();
        builder.Services.AddSingleton<ChatMetrics>();
        builder.Services.AddSingleton<ILoggerProvider, SlowConsumerObserver>();
        builder.Services.PostConfigure<LoggerFilterOptions>(options =>
        {
            // The observer gets SignalR's send timeouts (logged at Trace) and nothing else, whatever the levels configured.
            var observer = typeof(SlowConsumerObserver).FullName;
            options.Rules.Add(new LoggerFilterRule(observer, categoryName: null, LogLevel.None, filter: null));
            options.Rules.Add(new LoggerFilterRule(observer, SlowConsumerObserver.Category, LogLevel.Trace, filter: null));
        });

        var openTelemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("HubApp"))
            .WithMetrics(metrics => metrics
                .AddMeter(ChatMetrics.MeterName)
                .AddMeter(AspNetCoreMeters)
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());

        // Read now, as the exporters are chosen at registration; a malformed value is left to start-up validation.
        var telemetry = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (telemetry.OtlpEndpointUri() is { } endpoint && TelemetryOptionsValidator.Protocol(telemetry.OtlpProtocol) is { } protocol)
        {
            // Traces only where they go somewhere: without an exporter a span per request and per hub invocation is built
            // for nothing, and a WebSocket's request span (tags included) stays in memory for the connection's whole life.
            openTelemetry
                .WithMetrics(metrics => metrics.AddOtlpExporter(otlp => Configure(otlp, endpoint, protocol, "v1/metrics")))
                .WithTracing(tracing => tracing
                    .AddSource(SignalRActivitySource)
                    .AddAspNetCoreInstrumentation(aspNetCore =>
                    {
                        aspNetCore.Filter = context => !context.Request.Path.StartsWithSegments(MetricsOptions.Path) && !context.Request.Path.StartsWithSegments("/health");
                        // Hub clients carry their token in the query string: no query string leaves in a span, redacted or not.
                        aspNetCore.EnrichWithHttpRequest = (activity, request) =>
                        {
                            if (request.QueryString.HasValue)
                            {
                                activity.SetTag("url.query", null);
                            }
                        };
                    })
                    .AddOtlpExporter(otlp => Configure(otlp, endpoint, protocol, "v1/traces")));
        }

        return builder;
    }

    /// <summary>
    /// <c>GET /metrics</c> in Prometheus text, unless <c>Metrics:Enabled</c> is false; with <c>Metrics:RequireAuth</c>
    /// only for admins. Outside <c>/hubs</c>, so the Origin check, the connection limit and the query-string token
    /// reader do not apply to it.
    /// </summary>
    public static IEndpointRouteBuilder MapChatMetrics(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }

        var endpoint = app.MapPrometheusScrapingEndpoint(MetricsOptions.Path);
        if (options.RequireAuth)
        {
            endpoint.RequireAuthorization(AuthExtensions.AdminPolicy);
        }
        else
        {
            endpoint.AllowAnonymous();
        }

        return app;
    }

    // Set in code, the endpoint is used as given: over HTTP it must name the signal's path.
    private static void Configure(OtlpExporterOptions otlp, Uri endpoint, OtlpExportProtocol protocol, string signalPath)
    {
        otlp.Protocol = protocol;
        otlp.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath)
            : endpoint;
    }

    private sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
    {
        public static OtlpExportProtocol? Protocol(string? name) => name switch
        {
            TelemetryOptions.Grpc => OtlpExportProtocol.Grpc,
            TelemetryOptions.HttpProtobuf => OtlpExportProtocol.HttpProtobuf,
            _ => null,
        };

        public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
        {
            var failures = new List<string>();
            // The value itself is not repeated: a collector URL may carry credentials.
            if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint) && options.OtlpEndpointUri() is null)
            {
                failures.Add("Telemetry:OtlpEndpoint must be an absolute http or https URL, such as http://collector:4317.");
            }

            if (Protocol(options.OtlpProtocol) is null)
            {
                failures.Add($"Telemetry:OtlpProtocol must be '{TelemetryOptions.Grpc}' or '{TelemetryOptions.HttpProtobuf}'.");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
