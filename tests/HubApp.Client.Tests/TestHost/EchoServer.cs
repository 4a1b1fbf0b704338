using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace HubApp.Client.Tests.TestHost;

/// <summary>What the echo hub saw, for tests to await.</summary>
public sealed class EchoServer
{
    public TaskCompletionSource<Exception?> Disconnected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<(TestServer Host, EchoServer Echo)> StartAsync()
    {
        var echo = new EchoServer();
        var host = await TestServer.StartAsync(
            services => services.AddSingleton(echo),
            app => app.MapHub<EchoHub>(EchoHub.Path));
        return (host, echo);
    }
}
