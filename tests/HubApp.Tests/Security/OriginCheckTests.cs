using System.Net;
using HubApp.Tests.Infrastructure;

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
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/hubs/chat/negotiate?negotiateVersion=1&access_token={TestTokens.Create("alice")}");
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
            ConfigureWebSocket = socket => socket.SetRequestHeader("Origin", "https://evil.example"),
        });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.StartAsync().WaitAsync(TestTimeouts.Default));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
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
            ConfigureWebSocket = socket => socket.SetRequestHeader("Origin", own),
        });

        await client.StartAsync().WaitAsync(TestTimeouts.Default);

        Assert.Equal("pong", await client.PingAsync().WaitAsync(TestTimeouts.Default));
    }
}
