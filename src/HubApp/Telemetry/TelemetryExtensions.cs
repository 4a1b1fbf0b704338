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
    /// OpenTelemetry: the framework's meters (ASP.NET Core hosting, Kestrel, SignalR connections, .NET runtime) and
    /// HubApp's own (<see cref="ChatMetrics"/>) for <c>/metrics</c>; when <c>Telemetry:OtlpEndpoint</c> is set, both
    /// exported over OTLP, with traces of HTTP requests and hub invocations. Sections <c>Metrics</c>
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
                // Microsoft.AspNetCore.Hosting, .Server.Kestrel, .Http.Connections (signalr_server_*) and the rest.
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());

        // Read now, as the exporters are chosen at registration; a malformed value is left to start-up validation.
        var telemetry = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        if (telemetry.OtlpEndpointUri() is { } endpoint && TelemetryOptionsValidator.Protocol(telemetry.OtlpProtocol) is { } protocol)
        {
            // Traces only where they go somewhere: a listener on SignalR's source makes it create an Activity (with its
            // tags) for every hub invocation, and ASP.NET Core one per request, which nothing would read without an exporter.
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
