using HubApp.Telemetry;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Hubs;

/// <summary>
/// Logs each failed invocation once, at a level that fits: a refusal (HubException: bad input, limits) is
/// the client's business and goes to Debug; anything else is a server fault and goes to Error. SignalR's
/// own dispatcher would log every refusal as an error with a stack trace, so its category is held to
/// Critical (see LoggingExtensions) and this filter, outermost, speaks instead. Every refusal, the rate
/// limiter's included, is counted by its code (<c>hubapp_refusals_total</c>).
/// </summary>
internal sealed partial class InvocationLoggingFilter(ChatMetrics metrics, ILogger<InvocationLoggingFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (HubException ex)
        {
            metrics.Refused(ex.Message);
            LogRefused(logger, invocationContext.HubMethodName, invocationContext.Context.ConnectionId, ex.Message);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, invocationContext.HubMethodName, invocationContext.Context.ConnectionId, ex);
            throw;
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Debug, Message = "Refused {Method} on connection {ConnectionId}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string connectionId, string reason);

    [LoggerMessage(EventId = 41, Level = LogLevel.Error, Message = "{Method} failed on connection {ConnectionId}.")]
    private static partial void LogFailed(ILogger logger, string method, string connectionId, Exception exception);
}
