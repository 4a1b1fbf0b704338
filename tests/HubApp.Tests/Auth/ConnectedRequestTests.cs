using HubApp.Auth;
using HubApp.Contracts;
using HubApp.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HubApp.Tests.Auth;

/// <summary>
/// A hub connection's request lets go of its token and its authentication handler once the connection is up
/// (<see cref="ConnectedRequest"/>); what the connection needs of its token must still hold: its identity, its role, and
/// its close when the token expires. The connections here carry the token in the query string, as browsers do.
/// </summary>
public sealed class ConnectedRequestTests
{
    [Fact]
    public async Task AConnectionWhoseTokenCameInTheQueryIsStillClosedWhenTheTokenExpires()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Auth:ClockSkew"] = "00:00:00" });
        await using var socket = await RawHubSocket.ConnectAsync(host, "alice", token: TestTokens.Create("alice", expires: DateTime.UtcNow.AddSeconds(3)));
        Assert.Contains("\"result\":\"pong\"", await socket.InvokeAsync("1", HubMethods.Ping, "[]"), StringComparison.Ordinal);

        // ReadUntilClosedAsync fails the test if the server has not closed the socket within the default timeout.
        await socket.ReadUntilClosedAsync();

        Assert.Equal(System.Net.WebSockets.WebSocketState.CloseReceived, socket.State);
    }

    [Fact]
    public async Task AnAdminWhoseTokenCameInTheQueryIsStillAnAdminAfterConnecting()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var owner = host.CreateClient("owner");
        await owner.StartAsync().DefaultTimeout();
        await owner.CreateRoomAsync("vault", RoomKinds.Private).DefaultTimeout();
        await using var admin = await RawHubSocket.ConnectAsync(host, "root", token: TestTokens.Create("root", roles: [TestTokens.AdminRole]));
        await using var mallory = await RawHubSocket.ConnectAsync(host, "mallory");

        var asAdmin = await admin.InvokeAsync("1", HubMethods.JoinRoom, """["vault",null]""");
        var asMallory = await mallory.InvokeAsync("1", HubMethods.JoinRoom, """["vault",null]""");

        Assert.DoesNotContain("\"error\"", asAdmin, StringComparison.Ordinal);
        Assert.Contains("\"room\":\"vault\"", asAdmin, StringComparison.Ordinal);
        Assert.Contains(ErrorCodes.Forbidden, asMallory, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRequestKeepsItsOtherParametersAndDropsTheTokenAndTheHandler()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["Auth:SigningKey"] = TestTokens.SigningKey;
        builder.AddChatAuthentication();
        await using var app = builder.Build();
        await using var scope = app.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.QueryString = new QueryString("?id=abc&presence=batched&access_token=the-token");
        context.Request.Headers.Authorization = "Bearer the-token";
        context.Request.Headers.Origin = "http://localhost";
        var handlers = context.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
        var before = await handlers.GetHandlerAsync(context, JwtBearerDefaults.AuthenticationScheme);
        Assert.Same(before, await handlers.GetHandlerAsync(context, JwtBearerDefaults.AuthenticationScheme));

        ConnectedRequest.Release(context);

        Assert.False(context.Request.Query.ContainsKey(ConnectedRequest.TokenParameter));
        Assert.Equal(0, context.Request.Headers.Authorization.Count);
        Assert.Equal("http://localhost", context.Request.Headers.Origin);
        Assert.Equal("abc", context.Request.Query["id"]);
        Assert.Equal(PresenceModes.Batched, context.Request.Query[PresenceModes.QueryParameter]);
        var after = await handlers.GetHandlerAsync(context, JwtBearerDefaults.AuthenticationScheme);
        Assert.NotNull(after);
        Assert.NotSame(before, after);
    }
}
