using System.Net;
using System.Text;
using HubApp.Auth;
using HubApp.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HubApp.Tests.Auth;

/// <summary>A token's validation is remembered (<see cref="OnceValidatedTokens"/>), and gives up none of its checks for it.</summary>
public sealed class TokenValidationCacheTests
{
    [Fact]
    public async Task AConnectionsSecondRequestWithTheSameTokenIsAnsweredFromMemory()
    {
        await using var host = await HubAppHost.StartAsync();
        var tokens = host.Services.GetRequiredService<OnceValidatedTokens>();
        var token = TestTokens.Create("alice");

        await using var alice = host.CreateClient("alice", token: () => token);
        await alice.StartAsync().DefaultTimeout();

        // Negotiate validated it; the WebSocket request found it.
        Assert.Equal(1, tokens.Hits);
        Assert.Equal("alice", (await alice.JoinRoomAsync("room").DefaultTimeout()).Members.Single().UserId);
    }

    [Fact]
    public async Task ATamperedTokenIsRefusedRightAfterTheGenuineOneWasAccepted()
    {
        await using var host = await HubAppHost.StartAsync();
        var tokens = host.Services.GetRequiredService<OnceValidatedTokens>();
        var genuine = TestTokens.Create("alice");
        await using (var alice = host.CreateClient("alice", token: () => genuine))
        {
            await alice.StartAsync().DefaultTimeout();
        }

        Assert.True(tokens.Hits > 0);
        var tampered = ChangeOneSignatureByte(genuine);
        await using var mallory = host.CreateClient("alice", token: () => tampered, autoReconnect: false);

        var refusal = await Assert.ThrowsAsync<HttpRequestException>(() => mallory.StartAsync().DefaultTimeout());

        Assert.Equal(HttpStatusCode.Unauthorized, refusal.StatusCode);
    }

    [Fact]
    public async Task AnExpiredTokenIsRefusedEvenWhenItsValidationIsRemembered()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Auth:ClockSkew"] = "00:00:00" });
        var tokens = host.Services.GetRequiredService<OnceValidatedTokens>();
        // exp has whole seconds: this one lies one to two seconds ahead.
        var expires = DateTime.UtcNow.AddSeconds(2);
        var token = TestTokens.Create("alice", expires: expires);
        await using (var alice = host.CreateClient("alice", token: () => token))
        {
            await alice.StartAsync().DefaultTimeout();
        }

        var hits = tokens.Hits;
        Assert.True(hits > 0);
        // The lifetime check reads the system clock, as the token handler's own does: wait until it has passed exp.
        for (var wait = 0; wait < 100 && DateTime.UtcNow <= expires.AddSeconds(1); wait++)
        {
            await Task.Delay(100);
        }

        await using var late = host.CreateClient("alice", token: () => token, autoReconnect: false);

        var refusal = await Assert.ThrowsAsync<HttpRequestException>(() => late.StartAsync().DefaultTimeout());

        Assert.Equal(HttpStatusCode.Unauthorized, refusal.StatusCode);
        Assert.Equal(hits, tokens.Hits);
    }

    [Fact]
    public async Task ATokenIsValidatedAgainOnceTheKeyItWasCheckedWithIsReplaced()
    {
        var tokens = new OnceValidatedTokens(new JsonWebTokenHandler { MapInboundClaims = false });
        var token = TestTokens.Create("alice");
        var before = Parameters(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestTokens.SigningKey)));

        Assert.True((await tokens.ValidateTokenAsync(token, before)).IsValid);
        Assert.True((await tokens.ValidateTokenAsync(token, before)).IsValid);
        Assert.Equal(1, tokens.Hits);

        // The same bytes in a new key object (a rotation that kept the secret) validate in full, and pass.
        Assert.True((await tokens.ValidateTokenAsync(token, Parameters(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestTokens.SigningKey))))).IsValid);
        Assert.Equal(1, tokens.Hits);

        // Another secret: the remembered validation does not stand in for the signature check.
        var rotated = await tokens.ValidateTokenAsync(token, Parameters(new SymmetricSecurityKey(Encoding.UTF8.GetBytes("another-signing-key-of-sufficient-length-0123456789"))));
        Assert.False(rotated.IsValid);
        Assert.Equal(1, tokens.Hits);
    }

    [Fact]
    public async Task ATokenIsValidatedAgainWhenItsIssuerOrAudienceIsNoLongerAccepted()
    {
        var tokens = new OnceValidatedTokens(new JsonWebTokenHandler { MapInboundClaims = false });
        var token = TestTokens.Create("alice");
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestTokens.SigningKey));
        Assert.True((await tokens.ValidateTokenAsync(token, Parameters(key))).IsValid);

        var otherIssuer = Parameters(key);
        otherIssuer.ValidIssuer = "someone-else";
        var otherAudience = Parameters(key);
        otherAudience.ValidAudience = "another-app";

        Assert.False((await tokens.ValidateTokenAsync(token, otherIssuer)).IsValid);
        Assert.False((await tokens.ValidateTokenAsync(token, otherAudience)).IsValid);
        Assert.Equal(0, tokens.Hits);
    }

    private static TokenValidationParameters Parameters(SecurityKey key) => new()
    {
        ValidateIssuer = true,
        ValidIssuer = TestTokens.Issuer,
        ValidateAudience = true,
        ValidAudience = TestTokens.Audience,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        IssuerSigningKey = key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
    };

    // A character in the middle of the signature: all six of its bits are signature bits (the last one's may be padding).
    private static string ChangeOneSignatureByte(string token)
    {
        var at = token.LastIndexOf('.') + 10;
        var changed = token[at] == 'A' ? 'B' : 'A';
        return string.Concat(token.AsSpan(0, at), changed.ToString(), token.AsSpan(at + 1));
    }
}
