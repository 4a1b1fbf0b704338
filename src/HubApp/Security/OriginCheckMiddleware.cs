using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace HubApp.Security;

/// <summary>
/// Refuses hub requests whose Origin is neither the page's own nor in <c>Cors:AllowedOrigins</c>. CORS
/// does not apply to WebSocket handshakes, so without this any site could open a socket with a visitor's
/// cookies or cached token (cross-site WebSocket hijacking). No Origin header means no browser: allowed.
/// </summary>
internal sealed partial class OriginCheckMiddleware(RequestDelegate next, IOptions<CorsSettings> options, ILogger<OriginCheckMiddleware> logger)
{
    private readonly HashSet<string> _allowed = options.Value.AllowedOrigins.Select(CorsSettings.Normalize).ToHashSet(StringComparer.Ordinal);

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/hubs")
            && context.Request.Headers.TryGetValue(HeaderNames.Origin, out var values)
            && values.ToString() is var origin
            && !IsAllowed(context.Request, origin))
        {
            LogRefused(logger, origin);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        }

        return next(context);
    }

    private bool IsAllowed(HttpRequest request, string origin)
    {
        var normalized = CorsSettings.Normalize(origin);
        if (normalized is "null" or "")
        {
            return false;
        }

        var own = CorsSettings.Normalize($"{request.Scheme}://{request.Host}");
        return normalized == own || _allowed.Contains(normalized);
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Refused a hub request from origin {Origin}.")]
    private static partial void LogRefused(ILogger logger, string origin);
}
