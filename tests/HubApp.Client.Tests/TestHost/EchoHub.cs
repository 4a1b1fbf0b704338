using Microsoft.AspNetCore.SignalR;

namespace HubApp.Client.Tests.TestHost;

/// <summary>The smallest hub that exercises the transport both ways.</summary>
public sealed class EchoHub(EchoServer server) : Hub
{
    public const string Path = "/hubs/echo";
    public const string Shouted = nameof(Shouted);

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        server.Disconnected.TrySetResult(exception);
        return base.OnDisconnectedAsync(exception);
    }

#pragma warning disable CA1822 // SignalR dispatches only to instance methods.
    public string Echo(string text) => text;
#pragma warning restore CA1822

    public Task Shout(string text) => Clients.Caller.SendAsync(Shouted, text);

    public void Abort() => Context.Abort();
}
