using Microsoft.Extensions.Logging.Configuration;

namespace HubApp.Configuration;

public static class LoggingExtensions
{
    /// <summary>Category of ASP.NET Core's "Request starting …" lines, which print the whole query string.</summary>
    public const string RequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>
    /// Keeps tokens out of logs: hub clients carry them in the <c>access_token</c> query string, and the host's
    /// request log writes query strings verbatim, so that log is held to warnings whatever the configuration says.
    /// </summary>
    public static WebApplicationBuilder AddChatLogging(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // PostConfigure: appended after the configuration's rules, so it wins for this category.
        builder.Services.PostConfigure<LoggerFilterOptions>(options =>
            options.Rules.Add(new LoggerFilterRule(providerName: null, RequestLogCategory, LogLevel.Warning, filter: null)));
        return builder;
    }
}
