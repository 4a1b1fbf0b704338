using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HubApp.Client.Transport;

/// <summary>
/// Our stand-in for <c>WithUrl</c>: where Microsoft.AspNetCore.SignalR.Client can be restored, this
/// one call is what changes.
/// </summary>
internal static class HubConnectionBuilderExtensions
{
    /// <summary>Connects to <paramref name="hubUrl"/> over a WebSocket only, skipping negotiate.</summary>
    public static IHubConnectionBuilder WithWebSocket(
        this IHubConnectionBuilder builder,
        Uri hubUrl,
        Func<CancellationToken, ValueTask<string?>>? accessTokenProvider,
        Action<ClientWebSocketOptions>? configureWebSocket)
    {
        builder.Services.AddSingleton<IConnectionFactory>(services => new WebSocketConnectionFactory(
            accessTokenProvider, configureWebSocket, services.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton<EndPoint>(new UriEndPoint(hubUrl));
        return builder;
    }
}
