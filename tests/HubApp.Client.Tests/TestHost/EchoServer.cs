using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace HubApp.Client.Tests.TestHost;

/// <summary>What the echo hub saw, for tests to await.</summary>
public sealed class EchoServer
{
    /// <summary>
    /// Leaves non-ASCII characters unescaped, so that multi-byte UTF-8 really crosses the wire (the
    /// default escapes it to ASCII, which would hide a text message split inside a character).
    /// </summary>
    public static JavaScriptEncoder RawUtf8 => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public TaskCompletionSource<Exception?> Disconnected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<(TestServer Host, EchoServer Echo)> StartAsync()
    {
        var echo = new EchoServer();
        var host = await TestServer.StartAsync(
            services => services
                .AddSingleton(echo)
                .Configure<JsonHubProtocolOptions>(o => o.PayloadSerializerOptions.Encoder = RawUtf8),
            app => app.MapHub<EchoHub>(EchoHub.Path));
        return (host, echo);
    }
}
