using System.Net;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Security;

public sealed class ResponseHeaderTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/health")]
    [InlineData(HubMethods.Path + "/negotiate?negotiateVersion=1")]
    [InlineData("/no-such-page")]
    public async Task NoResponseNamesTheServer(string path)
    {
        await using var host = await HubAppHost.StartAsync();
        using var http = host.CreateHttpClient();

        using var response = await http.GetAsync(path);

        Assert.Empty(response.Headers.Server);
        Assert.False(response.Headers.Contains("Server"));
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task HealthAnswersOnlyGetAndHead(string method)
    {
        await using var host = await HubAppHost.StartAsync();
        using var http = host.CreateHttpClient();

        using var refused = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/health"));
        using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/health"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }
}
