using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Transports;

/// <summary>
/// The hub over SignalR's HTTP transports, spoken by hand: negotiate and long polling with the token in the
/// Authorization header, Server-Sent Events with it in the query string (as browsers must).
/// </summary>
public sealed class HttpTransportTests
{
    private const char RecordSeparator = '\u001e';

    [Fact]
    public async Task NegotiateOffersEveryTransportAndStatefulReconnect()
    {
        await using var host = await HubAppHost.StartAsync();
        using var http = AuthorizedClient(host);

        using var negotiation = await NegotiateAsync(http, "&useStatefulReconnect=true");

        var transports = negotiation.RootElement.GetProperty("availableTransports").EnumerateArray()
            .Select(t => t.GetProperty("transport").GetString()!).ToArray();
        Assert.Equal(["WebSockets", "ServerSentEvents", "LongPolling"], transports);
        Assert.True(negotiation.RootElement.GetProperty("useStatefulReconnect").GetBoolean());
    }

    [Fact]
    public async Task LongPollingWithTheAuthorizationHeaderInvokesTheHub()
    {
        await using var host = await HubAppHost.StartAsync();
        using var http = AuthorizedClient(host);
        using var negotiation = await NegotiateAsync(http, string.Empty);
        var url = $"{HubMethods.Path}?id={negotiation.RootElement.GetProperty("connectionToken").GetString()}";

        await SendAsync(http, url, """{"protocol":"json","version":1}""");
        Assert.Contains("{}", await PollUntilAsync(http, url, "{}"), StringComparison.Ordinal);
        await SendAsync(http, url, """{"type":1,"invocationId":"1","target":"JoinRoom","arguments":["Polling",null]}""");
        var join = await PollUntilAsync(http, url, "\"invocationId\":\"1\"");
        await SendAsync(http, url, """{"type":1,"invocationId":"2","target":"SendMessage","arguments":["polling","over HTTP"]}""");
        var sent = await PollUntilAsync(http, url, "\"invocationId\":\"2\"");

        Assert.Contains("\"room\":\"polling\"", join, StringComparison.Ordinal);
        Assert.Contains("\"text\":\"over HTTP\"", sent, StringComparison.Ordinal);
        using var delete = await http.DeleteAsync(url);
        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
    }

    [Fact]
    public async Task ServerSentEventsWithTheQueryStringTokenInvokeTheHub()
    {
        await using var host = await HubAppHost.StartAsync();
        var token = TestTokens.Create("alice");
        using var http = host.CreateHttpClient();
        http.Timeout = Timeout.InfiniteTimeSpan;
        using var negotiation = await NegotiateAsync(http, $"&access_token={token}");
        var url = $"{HubMethods.Path}?id={negotiation.RootElement.GetProperty("connectionToken").GetString()}&access_token={token}";

        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var stream = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(timeout.Token));

        await SendAsync(http, url, """{"protocol":"json","version":1}""");
        await SendAsync(http, url, """{"type":1,"invocationId":"1","target":"Ping","arguments":[]}""");

        string? line;
        var received = new StringBuilder();
        while ((line = await reader.ReadLineAsync(timeout.Token)) is not null && !received.ToString().Contains("\"invocationId\":\"1\"", StringComparison.Ordinal))
        {
            received.AppendLine(line);
        }

        Assert.Contains("\"result\":\"pong\"", received.ToString(), StringComparison.Ordinal);
    }

    private static HttpClient AuthorizedClient(HubAppHost host)
    {
        var http = host.CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create("alice"));
        return http;
    }

    private static async Task<JsonDocument> NegotiateAsync(HttpClient http, string query)
    {
        using var response = await http.PostAsync($"{HubMethods.Path}/negotiate?negotiateVersion=1{query}", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static async Task SendAsync(HttpClient http, string url, string json)
    {
        using var response = await http.PostAsync(url, new StringContent(json + RecordSeparator, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    // A poll returns whatever is queued (pings included); keep polling, bounded, until the expected frame came.
    private static async Task<string> PollUntilAsync(HttpClient http, string url, string expected)
    {
        var received = new StringBuilder();
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (!received.ToString().Contains(expected, StringComparison.Ordinal))
        {
            using var poll = await http.GetAsync(url, timeout.Token);
            Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
            received.Append(await poll.Content.ReadAsStringAsync(timeout.Token));
        }

        return received.ToString();
    }
}
