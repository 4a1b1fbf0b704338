using System.Collections.Frozen;
using HubApp.Contracts;
using HubApp.Errors;
using HubApp.Hubs;
using HubApp.Telemetry;

namespace HubApp.Api;

/// <summary>
/// The one place where the HTTP API's refusals become what its clients see: <c>application/problem+json</c> with the
/// contract's code as the <c>code</c> extension (and as the title), the refusal's text as the detail, and the HTTP
/// status that fits the code. Like the hub's filter, it logs a refusal at Debug and counts it by code
/// (<c>hubapp_refusals_total</c>): a refusal is the client's business, not a server fault.
/// </summary>
internal sealed partial class ApiRefusals(ChatMetrics metrics, ILogger<ApiRefusals> logger)
{
    /// <summary>The problem's extension member that carries the contract code.</summary>
    public const string CodeExtension = "code";

    /// <summary>The HTTP status of each contract code the API can answer with; any other refusal is a 400.</summary>
    public static readonly FrozenDictionary<string, int> Statuses = new Dictionary<string, int>
    {
        [ErrorCodes.InvalidRoom] = StatusCodes.Status400BadRequest,
        [ErrorCodes.InvalidMessage] = StatusCodes.Status400BadRequest,
        [ErrorCodes.MessageTooLong] = StatusCodes.Status400BadRequest,
        [ErrorCodes.Forbidden] = StatusCodes.Status403Forbidden,
        [ErrorCodes.Muted] = StatusCodes.Status403Forbidden,
        [ErrorCodes.NotFound] = StatusCodes.Status404NotFound,
        [ErrorCodes.RateLimited] = StatusCodes.Status429TooManyRequests,
        [ErrorCodes.Unavailable] = StatusCodes.Status503ServiceUnavailable,
        [ErrorCodes.AttachmentTooLarge] = StatusCodes.Status413PayloadTooLarge,
        [ErrorCodes.InvalidAttachment] = StatusCodes.Status415UnsupportedMediaType,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static int StatusOf(string code) => Statuses.GetValueOrDefault(code, StatusCodes.Status400BadRequest);

    /// <summary>The refusal that <paramref name="exception"/> stands for (the hub's mapping), or null for a server fault.</summary>
    public static ChatRefusedException? AsRefusal(Exception exception) => HubErrors.AsRefusal(exception);

    /// <summary>Logs and counts <paramref name="refusal"/>, and answers it with its code's status.</summary>
    public IResult Refuse(HttpContext context, ChatRefusedException refusal)
    {
        metrics.Refused(refusal.Code);
        LogRefused(logger, context.Request.Method, context.Request.Path.Value ?? string.Empty, refusal.Message);
        return TypedResults.Problem(
            detail: refusal.Text,
            statusCode: StatusOf(refusal.Code),
            title: refusal.Code,
            extensions: new Dictionary<string, object?> { [CodeExtension] = refusal.Code });
    }

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Refused {Method} {Path}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string reason);
}
