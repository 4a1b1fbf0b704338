using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Webhooks;

public sealed partial class WebhookTests
{
    [Fact]
    public async Task OnlyAdminsRegisterListAndRemoveWebhooksAndTheListHoldsNoSecret()
    {
        await using var host = await HubAppHost.StartAsync(Settings);
        using var http = host.CreateHttpClient();
        var body = new { url = "https://example.org/hook", rooms = (string[]?)null };

        using var anonymous = await SendAsync(http, HttpMethod.Post, "/api/webhooks", null, body);
        using var user = await SendAsync(http, HttpMethod.Post, "/api/webhooks", TestTokens.Create("alice"), body);
        using var userList = await SendAsync(http, HttpMethod.Get, "/api/webhooks", TestTokens.Create("alice"));
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (anonymous.StatusCode, user.StatusCode, userList.StatusCode));

        var created = await RegisterAsync(http, "https://example.org/hook", ["General", "news"]);
        Assert.Equal("https://example.org/hook", created.Url);
        Assert.Equal(["general", "news"], created.Rooms ?? []);
        Assert.Matches("^[0-9a-f]{64}$", created.Secret);
        using var list = await SendAsync(http, HttpMethod.Get, "/api/webhooks", AdminToken);
        var text = await list.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.DoesNotContain(created.Secret, text, StringComparison.Ordinal);
        var listed = Assert.Single(JsonDocument.Parse(text).RootElement.EnumerateArray());
        Assert.Equal(created.Id, listed.GetProperty("id").GetString());
        Assert.False(listed.TryGetProperty("secret", out _));

        using var removed = await SendAsync(http, HttpMethod.Delete, $"/api/webhooks/{created.Id}", AdminToken);
        using var again = await SendAsync(http, HttpMethod.Delete, $"/api/webhooks/{created.Id}", AdminToken);
        using var byUser = await SendAsync(http, HttpMethod.Delete, $"/api/webhooks/{created.Id}", TestTokens.Create("alice"));
        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NotFound, HttpStatusCode.Forbidden), (removed.StatusCode, again.StatusCode, byUser.StatusCode));
        Assert.Equal(ErrorCodes.NotFound, await CodeAsync(again));
    }

    [Theory]
    [InlineData("http://example.org/hook")]
    [InlineData("http://10.0.0.1/hook")]
    [InlineData("ftp://127.0.0.1/hook")]
    [InlineData("/hook")]
    [InlineData("https://user:password@example.org/hook")]
    [InlineData("")]
    [InlineData(null)]
    public async Task AUrlThatIsNeitherHttpsNorToAnAllowedHostIsInvalidMessage(string? url)
    {
        await using var host = await HubAppHost.StartAsync(Settings);
        using var http = host.CreateHttpClient();

        using var response = await SendAsync(http, HttpMethod.Post, "/api/webhooks", AdminToken, new { url, rooms = (string[]?)null });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ErrorCodes.InvalidMessage, await CodeAsync(response));
    }

    [Fact]
    public async Task BadBodiesRoomListsAndOneWebhookTooManyAreRefusedWithTheContractsCodes()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?>(Settings) { ["Webhooks:MaxWebhooks"] = "2", ["Webhooks:MaxRooms"] = "3" });
        using var http = host.CreateHttpClient();
        const string url = "https://example.org/hook";

        using var notJson = await PostRawAsync(http, "{\"url\":");
        using var array = await PostRawAsync(http, "[1, 2]");
        using var empty = await SendAsync(http, HttpMethod.Post, "/api/webhooks", AdminToken, new { url, rooms = Array.Empty<string>() });
        string[] four = ["a", "b", "c", "d"];
        string[] malformed = ["not a room!"];
        using var tooMany = await SendAsync(http, HttpMethod.Post, "/api/webhooks", AdminToken, new { url, rooms = four });
        using var badRoom = await SendAsync(http, HttpMethod.Post, "/api/webhooks", AdminToken, new { url, rooms = malformed });
        Assert.Equal(
            (ErrorCodes.InvalidMessage, ErrorCodes.InvalidMessage, ErrorCodes.InvalidMessage, ErrorCodes.InvalidMessage, ErrorCodes.InvalidRoom),
            (await CodeAsync(notJson), await CodeAsync(array), await CodeAsync(empty), await CodeAsync(tooMany), await CodeAsync(badRoom)));

        await RegisterAsync(http, url, null);
        await RegisterAsync(http, url, ["a"]);
        using var third = await SendAsync(http, HttpMethod.Post, "/api/webhooks", AdminToken, new { url, rooms = (string[]?)null });
        Assert.Equal((HttpStatusCode.BadRequest, ErrorCodes.InvalidMessage), (third.StatusCode, await CodeAsync(third)));
    }

    private static async Task<HttpResponseMessage> PostRawAsync(HttpClient http, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
        return await http.SendAsync(request).DefaultTimeout();
    }

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
}
