using System.Net;
using HubApp.Contracts;
using HubApp.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;

namespace HubApp.Tests.Security;

public sealed class OriginCheckTests
{
    [Theory]
    [InlineData("https://evil.example", HttpStatusCode.Forbidden)]
    [InlineData("null", HttpStatusCode.Forbidden)]
    [InlineData("https://chat.example.com", HttpStatusCode.OK)]
    [InlineData("HTTPS://CHAT.EXAMPLE.COM", HttpStatusCode.OK)]
    [InlineData(null, HttpStatusCode.OK)]
    public async Task HubRequestsAreAllowedOnlyFromTheOwnOrAConfiguredOrigin(string? origin, HttpStatusCode expected)
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Cors:AllowedOrigins:0"] = "https://chat.example.com" });
        using var http = host.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{HubMethods.Path}/negotiate?negotiateVersion=1&access_token={TestTokens.Create("alice")}");
        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        using var response = await http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task AWebSocketHandshakeFromAForeignOriginIsRefused()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var client = new HubApp.Client.ChatClient(new HubApp.Client.ChatClientOptions
        {
            ServerUrl = host.BaseAddress,
            AccessTokenProvider = _ => ValueTask.FromResult<string?>(TestTokens.Create("alice")),
            AutoReconnect = false,
            // Only the WebSocket carries the foreign Origin; with fallback allowed, SSE would connect without one.
            Transports = HttpTransportType.WebSockets,
            ConfigureWebSocket = socket => socket.SetRequestHeader("Origin", "https://evil.example"),
        });

        // Negotiate (no Origin) is accepted; the handshake is refused, and no other transport is allowed.
        var error = await Assert.ThrowsAsync<AggregateException>(() => client.StartAsync().DefaultTimeout());

        var webSockets = Assert.IsType<TransportFailedException>(error.InnerExceptions[0]);
        Assert.Equal(nameof(HttpTransportType.WebSockets), webSockets.TransportType);
        Assert.Contains("'403'", webSockets.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWebSocketHandshakeFromThePagesOwnOriginIsAccepted()
    {
        await using var host = await HubAppHost.StartAsync();
        var own = host.BaseAddress.GetLeftPart(UriPartial.Authority);
        await using var client = new HubApp.Client.ChatClient(new HubApp.Client.ChatClientOptions
        {
            ServerUrl = host.BaseAddress,
            AccessTokenProvider = _ => ValueTask.FromResult<string?>(TestTokens.Create("alice")),
            AutoReconnect = false,
            Transports = HttpTransportType.WebSockets,
            ConfigureWebSocket = socket => socket.SetRequestHeader("Origin", own),
        });

        await client.StartAsync().DefaultTimeout();

        Assert.Equal("pong", await client.PingAsync().DefaultTimeout());
    }

    [Theory]
    // A DNS-rebinding page: its own name resolves to this server, so its Origin matches the Host it sends.
    [InlineData("*", "rebind.example", HttpStatusCode.Forbidden)]
    // Loopback cannot be a rebinding page's name: the page served by a local host still connects.
    [InlineData("*", "127.0.0.1", HttpStatusCode.OK)]
    [InlineData("*", "localhost", HttpStatusCode.OK)]
    // With the hosts named, the framework's host filtering refuses any other Host, and the named one is trusted.
    [InlineData("chat.example.com", "chat.example.com", HttpStatusCode.OK)]
    [InlineData("chat.example.com", "rebind.example", HttpStatusCode.BadRequest)]
    // A developer's machine answers under any name.
    [InlineData("*", "laptop.local", HttpStatusCode.OK, "Development")]
    public async Task ThePagesOwnOriginIsTrustedOutsideDevelopmentOnlyForNamedHostsOrLoopback(string allowedHosts, string hostName, HttpStatusCode expected, string environment = "Testing")
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["AllowedHosts"] = allowedHosts }, environment: environment);
        using var http = host.CreateHttpClient();
        var authority = $"{hostName}:{host.BaseAddress.Port}";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{HubMethods.Path}/negotiate?negotiateVersion=1&access_token={TestTokens.Create("alice")}");
        request.Headers.Host = authority;
        request.Headers.TryAddWithoutValidation("Origin", $"http://{authority}");

        using var response = await http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }
}
