using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HubApp.Testing;

namespace HubApp.Tests.Auth;

public sealed class DevTokenEndpointTests
{
    [Fact]
    public async Task ATokenIsIssuedForAGoodNameAndOpensTheHub()
    {
        await using var host = await HubAppHost.StartAsync();
        using var http = host.CreateHttpClient();

        using var response = await http.PostAsJsonAsync("/auth/token", new { userName = "Alice.B-2_" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("alice.b-2_", body.GetProperty("userId").GetString());
        Assert.Equal("Alice.B-2_", body.GetProperty("userName").GetString());
        var expiresAt = body.GetProperty("expiresAt").GetDateTime();
        Assert.InRange(expiresAt - DateTime.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));
        var token = body.GetProperty("accessToken").GetString()!;
        await using var client = host.CreateClient("ignored", token: () => token);
        await client.StartAsync().DefaultTimeout();
        var snapshot = await client.JoinRoomAsync("room").DefaultTimeout();
        Assert.Equal(new HubApp.Contracts.Member("alice.b-2_", "Alice.B-2_"), snapshot.Members.Single());
    }

    [Theory]
    [InlineData("""{"userName":""}""")]
    [InlineData("""{"userName":"has space"}""")]
    [InlineData("""{"userName":"a2345678901234567890123456789012x"}""")]
    [InlineData("""{"userName":"trailing\n"}""")]
    [InlineData("""{"userName":"<script>"}""")]
    [InlineData("""{}""")]
    public async Task ABadNameGetsAProblem400(string json)
    {
        await using var host = await HubAppHost.StartAsync();
        using var http = host.CreateHttpClient();

        using var response = await http.PostAsync("/auth/token", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task TheIssuerAnswers404WhenDisabled()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Auth:DevTokens:Enabled"] = "false" });
        using var http = host.CreateHttpClient();

        using var response = await http.PostAsJsonAsync("/auth/token", new { userName = "alice" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
