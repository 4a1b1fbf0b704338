using HubApp.Errors;
using HubApp.Telemetry;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace HubApp.Hubs;

/// <summary>
/// Closes a connection that is refused at connect, telling the client why and not to reconnect. A refusal
/// is the client's business: thrown from OnConnectedAsync it would be logged by SignalR as a server error
/// with a stack trace, once per attempt, so a flood from one user could fill the error log.
/// </summary>
internal sealed class ConnectionRefusal(ILocalConnections connections, ChatMetrics metrics)
{
    public async Task RefuseAsync(string connectionId, ChatRefusedException refusal)
    {
        metrics.Refused(refusal.Code);
        var reason = HubErrors.ToHubException(refusal);
        if (connections.Find(connectionId) is not { } connection)
        {
            // Already gone: SignalR's own refusal, for the record.
            throw reason;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await connection.WriteAsync(new CloseMessage(reason.Message, allowReconnect: false), timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            // Closed anyway, just below.
        }
        finally
        {
            connection.Abort();
        }
    }
}
