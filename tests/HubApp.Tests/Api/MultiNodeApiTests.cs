using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HubApp.Contracts;
using HubApp.Testing;
using HubApp.Tests.ScaleOut;

namespace HubApp.Tests.Api;

/// <summary>The HTTP API on several nodes (real node processes on PostgreSQL, each backplane engine).</summary>
[Collection(PostgresCluster.Name)]
public sealed class MultiNodeApiTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task APostToOneNodeReachesAHubMemberOnAnotherOnceAndARepeatOnThatNodeIsAnswered200(Engine engine)
    {
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        await using var bob = await b.ConnectAsync("bob");
        var received = new Inbox<ChatMessage>();
        bob.MessageReceived += received.Add;
        await bob.JoinRoomAsync("general").DefaultTimeout();

        var (firstStatus, first) = await PostAsync(a.BaseAddress, "general", "from a bot", "bot-1");
        var (repeatStatus, repeat) = await PostAsync(b.BaseAddress, "general", "from a bot", "bot-1");

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.OK), (firstStatus, repeatStatus));
        Assert.Equal(first, repeat);
        Assert.Equal(first, await received.NextAsync());
        // Bob's own message is the barrier: the repeat delivered nothing before it.
        var barrier = await bob.SendMessageAsync("general", "barrier").DefaultTimeout();
        Assert.Equal(barrier, await received.NextAsync());
        Assert.Equal(first.Id + 1, barrier.Id);
    }

    private static async Task<(HttpStatusCode Status, ChatMessage Message)> PostAsync(Uri node, string room, string text, string clientMessageId)
    {
        using var http = new HttpClient { BaseAddress = node, Timeout = TestTimeouts.Default };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/rooms/{room}/messages")
        {
            Content = JsonContent.Create(new { text, clientMessageId }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create("alice"));
        using var response = await http.SendAsync(request);
        var message = await response.Content.ReadFromJsonAsync<ChatMessage>(Json) ?? throw new InvalidOperationException("No message in the answer.");
        return (response.StatusCode, message);
    }
}
