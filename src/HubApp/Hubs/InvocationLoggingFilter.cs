using HubApp.Errors;
using HubApp.Telemetry;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Hubs;

/// <summary>
/// The one place where failed invocations become what clients see, and are logged, once, at a level that fits.
/// A refusal (a <see cref="ChatRefusedException"/> from the services or the rate limiter, a store that cannot
/// take the call now: see <see cref="HubErrors"/>) is the client's business: it goes out as the HubException
/// "code: text", to Debug, and is counted by its code (<c>hubapp_refusals_total</c>). Anything else is a server
/// fault and goes to Error. SignalR's own dispatcher would log every refusal as an error with a stack trace, so
/// its category is held to Critical (see LoggingExtensions) and this filter, outermost, speaks instead.
/// </summary>
internal sealed partial class InvocationLoggingFilter(ChatMetrics metrics, ConnectionRefusal connectionRefusal, ILogger<InvocationLoggingFilter> logger) : IHubFilter
{
    /// <summary>A refusal at connect (too many connections) closes the connection with its reason: see <see cref="ConnectionRefusal"/>.</summary>
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        try
        {
            await next(context);
        }
        catch (ChatRefusedException refusal)
        {
            await connectionRefusal.RefuseAsync(context.Context.ConnectionId, refusal);
        }
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (Exception ex) when (HubErrors.AsRefusal(ex) is { } refusal)
        {
            metrics.Refused(refusal.Code);
            LogRefused(logger, invocationContext.HubMethodName, invocationContext.Context.ConnectionId, refusal.Message);
            throw HubErrors.ToHubException(refusal);
        }
        catch (HubException ex)
        {
            // Not ours (SignalR's, or a filter's): the client sees it as thrown.
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
