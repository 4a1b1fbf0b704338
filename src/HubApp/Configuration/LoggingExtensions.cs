using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HubApp.Configuration;

public static class LoggingExtensions
{
    /// <summary>Category of ASP.NET Core's "Request starting …" lines, which print the whole query string.</summary>
    public const string RequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>SignalR's dispatcher, which logs every refused invocation as an error (see InvocationLoggingFilter).</summary>
    public const string HubDispatcherCategory = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";

    /// <summary>
    /// Keeps tokens out of logs: hub clients carry them in the <c>access_token</c> query string, and the host's
    /// request log writes query strings verbatim, so that log is held to warnings whatever the configuration says.
    /// Also quiets SignalR's dispatcher, whose failures <see cref="Hubs.InvocationLoggingFilter"/> logs instead, and
    /// logs a write cancelled by its connection's close as a Warning (<see cref="CanceledWriteLogging"/>).
    /// </summary>
    public static WebApplicationBuilder AddChatLogging(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var start = new StartGate();
        builder.Services.AddSingleton(start);
        // PostConfigure: appended after the configuration's rules, so it wins for this category.
        builder.Services.PostConfigure<LoggerFilterOptions>(options =>
        {
            options.Rules.Add(new LoggerFilterRule(providerName: null, RequestLogCategory, LogLevel.Warning, filter: null));
            options.Rules.Add(new LoggerFilterRule(providerName: null, HubDispatcherCategory, LogLevel.Critical, filter: null));
            // The host logs only its own failures above Debug; a failed start is reported by HostStart.RunChat in one line.
            options.Rules.Add(new LoggerFilterRule(providerName: null, HostStart.HostCategory, logLevel: null,
                (_, _, level) => level >= LogLevel.Warning && !(level == LogLevel.Error && start.Starting)));
        });
        // The framework's factory, built as AddLogging would, wrapped.
        builder.Services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(services =>
            new CanceledWriteLogging(ActivatorUtilities.CreateInstance<LoggerFactory>(services))));
        return builder;
    }
}
