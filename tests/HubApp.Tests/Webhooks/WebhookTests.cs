using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Webhooks;

/// <summary>
/// Webhooks through the real host on SQLite, to a real receiver on 127.0.0.1 (<see cref="WebhookReceiver"/>): the admin API,
/// and delivery in order, signed, in bounded batches, through failures, outages, redirects and a host restart.
/// </summary>
public sealed partial class WebhookTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Short delays, so that retries come quickly; the receiver's host allowed over plain http.</summary>
    internal static readonly Dictionary<string, string?> Settings = new()
    {
        ["Webhooks:AllowedHosts:0"] = "127.0.0.1",
        ["Webhooks:PollInterval"] = "00:00:00.100",
        ["Webhooks:RetryMinimum"] = "00:00:00.050",
        ["Webhooks:RetryMaximum"] = "00:00:00.400",
        ["Webhooks:Timeout"] = "00:00:01",
        ["Webhooks:LeaseDuration"] = "00:00:03",
    };

    private static readonly string AdminToken = TestTokens.Create("root", roles: ["hubapp.admin"]);

    [Fact]
    public async Task AWebhookGetsEveryEntryOfItsRoomsInOrderInSignedBatchesOfAtMost100AndNoDirectMessage()
    {
        await using var host = await HubAppHost.StartAsync(Settings);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        var posted = await PostAsync(alice, "general", 230);
        await PostAsync(alice, "other", 3);
        await alice.SendDirectMessageAsync("bob", "not for webhooks").DefaultTimeout();
        using var http = host.CreateHttpClient();

        var webhook = await RegisterAsync(http, receiver.Url, ["general"]);
        var later = await PostAsync(alice, "general", 5);

        var accepted = await receiver.WaitForAcceptedAsync("general", posted.Length + later.Length);
        Assert.Equal([.. posted, .. later], accepted);
        var batches = receiver.Batches;
        Assert.All(batches, b =>
        {
            Assert.Equal(("general", webhook.Id), (b.Room, b.WebhookId));
            Assert.InRange(b.Ids.Length, 1, 100);
            Assert.True(b.IsSignedWith(webhook.Secret), $"{b.Delivery} is not signed with the secret");
            Assert.Equal($"general:{b.Ids[0]}-{b.Ids[^1]}", b.Delivery);
        });
        Assert.True(batches.Count >= 3, "230 entries stored before the webhook take three batches at least");
        Assert.Empty(receiver.Accepted("other"));
        // The entries are the ChatMessage JSON a hub client gets.
        using var body = JsonDocument.Parse(batches[0].Body);
        var first = body.RootElement.GetProperty("entries")[0].Deserialize<ChatMessage>(Json)!;
        Assert.Equal((posted[0], "general", "alice", MessageKinds.Message), (first.Id, first.Room, first.UserId, first.Kind));
    }

    [Fact]
    public async Task AReceiverThatIsDownGetsEverythingInOrderOnceItIsBack()
    {
        await using var host = await HubAppHost.StartAsync(Settings);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        using var http = host.CreateHttpClient();
        await RegisterAsync(http, receiver.Url, null);
        var before = await PostAsync(alice, "general", 3);
        Assert.Equal(before, await receiver.WaitForAcceptedAsync("general", before.Length));

        await receiver.StopAsync();
        var during = await PostAsync(alice, "general", 30);
        var inAnotherRoom = await PostAsync(alice, "created-later", 2);
        await alice.SendDirectMessageAsync("bob", "never sent to a webhook").DefaultTimeout();
        await receiver.StartAgainAsync();

        var accepted = await receiver.WaitForAcceptedAsync("general", before.Length + during.Length);
        Assert.Equal([.. before, .. during], accepted);
        Assert.Equal(inAnotherRoom, await receiver.WaitForAcceptedAsync("created-later", inAnotherRoom.Length));
        AssertOnlyFailedBatchesCameAgain(receiver.Batches);
        Assert.All(receiver.Batches, b => Assert.Contains(b.Room, (string[])["general", "created-later"]));
    }

    [Fact]
    public async Task AHostRestartedOnTheSameStoreResumesFromTheStoredCursor()
    {
        var directory = Directory.CreateTempSubdirectory("hubapp-test-").FullName;
        await using var receiver = await WebhookReceiver.StartAsync();
        long[] before;
        await using (var first = await HubAppHost.StartAsync(Settings, dataDirectory: directory))
        {
            await using var alice = await first.ConnectAsync("alice");
            using var http = first.CreateHttpClient();
            await RegisterAsync(http, receiver.Url, ["general"]);
            before = await PostAsync(alice, "general", 20);
            Assert.Equal(before, await receiver.WaitForAcceptedAsync("general", before.Length));
        }

        await using var second = await HubAppHost.StartAsync(Settings, dataDirectory: directory);
        await using var bob = await second.ConnectAsync("bob");
        var after = await PostAsync(bob, "general", 20);

        var accepted = await receiver.WaitForAcceptedAsync("general", before.Length + after.Length);
        Assert.Equal([.. before, .. after], accepted);
        Assert.Equal([.. before, .. after], receiver.Batches.SelectMany(b => b.Ids));
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task ARedirectIsNotFollowedButRetriedAsAFailure()
    {
        await using var host = await HubAppHost.StartAsync(Settings);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        using var http = host.CreateHttpClient();
        await RegisterAsync(http, receiver.Url, ["general"]);
        receiver.AnswerNext(302);

        var posted = await PostAsync(alice, "general", 5);

        Assert.Equal(posted, await receiver.WaitForAcceptedAsync("general", posted.Length));
        Assert.Equal(0, receiver.RedirectsFollowed);
        Assert.Equal(302, receiver.Batches[0].Status);
        AssertOnlyFailedBatchesCameAgain(receiver.Batches);
    }

    /// <summary>
    /// Every batch starts right after the last answered one (nothing skipped), and one comes again only after it was not
    /// answered 2xx: the receiver got each entry once per answer it gave.
    /// </summary>
    internal static void AssertOnlyFailedBatchesCameAgain(IReadOnlyList<ReceivedBatch> batches)
    {
        foreach (var room in batches.Select(b => b.Room).Distinct())
        {
            var ofRoom = batches.Where(b => b.Room == room).ToList();
            var seen = ofRoom.SelectMany(b => b.Ids).Distinct().Order().ToList();
            long last = 0;
            foreach (var batch in ofRoom)
            {
                var next = seen.First(id => id > last);
                Assert.True(batch.Ids[0] == next, $"{batch.Delivery} after {last}: skipped or repeated");
                Assert.Equal(seen.SkipWhile(id => id < next).Take(batch.Ids.Length), batch.Ids);
                if (batch.Status is >= 200 and < 300)
                {
                    last = batch.Ids[^1];
                }
            }
        }
    }

    internal static async Task<CreatedWebhook> RegisterAsync(HttpClient http, string url, string[]? rooms)
    {
        using var response = await SendAsync(http, HttpMethod.Post, "/api/webhooks", AdminToken, new { url, rooms });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CreatedWebhook>(Json))!;
    }

    internal static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, string? token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request).DefaultTimeout();
    }

    /// <summary>Posts <paramref name="count"/> messages to <paramref name="room"/> (joining it first, unless joined already); returns their ids.</summary>
    internal static async Task<long[]> PostAsync(ChatClient client, string room, int count, bool join = true)
    {
        if (join)
        {
            await client.JoinRoomAsync(room).DefaultTimeout();
        }

        var ids = new long[count];
        for (var i = 0; i < count; i++)
        {
            ids[i] = (await client.SendMessageAsync(room, $"{room} {i}").DefaultTimeout()).Id;
        }

        return ids;
    }

    internal sealed record CreatedWebhook(string Id, string Url, string[]? Rooms, string Secret, DateTime CreatedAt);
}
