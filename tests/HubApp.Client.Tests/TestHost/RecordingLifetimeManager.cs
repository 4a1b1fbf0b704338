using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace HubApp.Client.Tests.TestHost;

/// <summary>SignalR's own lifetime manager, keeping each open connection so a test can send it a close message.</summary>
public sealed class RecordingLifetimeManager(ILogger<DefaultHubLifetimeManager<FakeChatHub>> logger) : DefaultHubLifetimeManager<FakeChatHub>(logger)
{
    public ConcurrentDictionary<string, HubConnectionContext> Open { get; } = new();

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        Open[connection.ConnectionId] = connection;
        return base.OnConnectedAsync(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        Open.TryRemove(connection.ConnectionId, out _);
        return base.OnDisconnectedAsync(connection);
    }
}
