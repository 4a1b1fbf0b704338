using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace HubApp.Security;

/// <summary>
/// Refuses hub requests whose Origin is neither the page's own nor in <c>Cors:AllowedOrigins</c>. CORS
/// does not apply to WebSocket handshakes, so without this any site could open a socket with a visitor's
/// cookies or cached token (cross-site WebSocket hijacking). No Origin header means no browser: allowed.
/// </summary>
/// <remarks>
/// The page's own origin is read from the request's <c>Host</c>, which a DNS-rebinding page controls: its own name,
/// resolved to this server, makes Origin and Host agree. So outside Development the own origin counts only when
/// <c>AllowedHosts</c> names this server's hosts (the framework's host filtering then refuses any other Host) or the
/// Host is a loopback address (no rebinding page can be served from one); with <c>AllowedHosts</c> "*" a page at any
/// other name must be listed in <c>Cors:AllowedOrigins</c>.
/// </remarks>
internal sealed partial class OriginCheckMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger<OriginCheckMiddleware> _logger;
    private readonly HashSet<string> _allowed;
    private readonly bool _trustHost;

    public OriginCheckMiddleware(RequestDelegate next, IOptions<CorsSettings> options, IConfiguration configuration, IHostEnvironment environment, ILogger<OriginCheckMiddleware> logger)
    {
        _next = next;
        _logger = logger;
        _allowed = options.Value.AllowedOrigins.Select(CorsSettings.Normalize).ToHashSet(StringComparer.Ordinal);
        var hosts = configuration["AllowedHosts"];
        var named = !string.IsNullOrWhiteSpace(hosts) && hosts.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).All(host => host != "*");
        _trustHost = named || environment.IsDevelopment();
        if (!_trustHost)
        {
            LogHostsNotNamed(logger);
        }
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/hubs")
            && context.Request.Headers.TryGetValue(HeaderNames.Origin, out var values)
            && values.ToString() is var origin
            && !IsAllowed(context.Request, origin))
        {
            LogRefused(_logger, origin);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }

        return _next(context);
    }

    private bool IsAllowed(HttpRequest request, string origin)
    {
        var normalized = CorsSettings.Normalize(origin);
        if (normalized is "null" or "")
        {
            return false;
        }

        if (_allowed.Contains(normalized))
        {
            return true;
        }

        var own = CorsSettings.Normalize($"{request.Scheme}://{request.Host}");
        return normalized == own && (_trustHost || IsLoopback(request.Host.Host));
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "AllowedHosts is \"*\": browser pages are accepted from loopback addresses and Cors:AllowedOrigins only. Set AllowedHosts to this server's host names (chat.example.com) to serve its own page under them.")]
    private static partial void LogHostsNotNamed(ILogger logger);

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Refused a hub request from origin {Origin}.")]
    private static partial void LogRefused(ILogger logger, string origin);
}
