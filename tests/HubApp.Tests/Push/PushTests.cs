using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HubApp.Push;
using HubApp.Storage;
using HubApp.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HubApp.Tests.Push;

/// <summary>
/// Web Push through the real host on SQLite, to a local push service that decrypts what it gets (docs/protocol.md, "Push
/// notifications"). The host sends with one sender (Push:MaxConcurrentSends = 1), so pushes leave in queue order: a later
/// push that arrives shows that an earlier job was done, whatever it did.
/// </summary>
public sealed class PushTests
{
    [Fact]
    public async Task ADirectMessageToAnOfflineUserIsOneEncryptedSignedPushWithTheContractsPayload()
    {
        await using var receiver = await PushReceiver.StartAsync();
        await using var host = await HubAppHost.StartAsync(PushReceiver.HostSettings());
        using var bob = new PushSubscriber(receiver.EndpointOf("bob"));
        Assert.Equal(HttpStatusCode.Created, await SubscribeAsync(host, "bob", bob.Json));
        await using var alice = await host.ConnectAsync("alice", "Alice");

        var sent = await alice.SendDirectMessageAsync("bob", "hello bob").DefaultTimeout();
        var push = await receiver.Received.NextAsync();

        Assert.Equal(("bob", "86400", "high", "aes128gcm"), (push.Name, push.Ttl, push.Urgency, push.ContentEncoding));
        var payload = bob.Decrypt(push.Body);
        Assert.Equal("direct", payload.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, payload.GetProperty("room").ValueKind);
        Assert.Equal(sent.Id, payload.GetProperty("id").GetInt64());
        Assert.Equal("Alice", payload.GetProperty("fromUserName").GetString());
        Assert.Equal("hello bob", payload.GetProperty("text").GetString());
        var claims = VapidCheck.VerifiedClaims(push.Authorization, await PublicKeyAsync(host));
        Assert.Equal(receiver.BaseAddress.GetLeftPart(UriPartial.Authority), claims.GetProperty("aud").GetString());
        Assert.StartsWith("mailto:", claims.GetProperty("sub").GetString(), StringComparison.Ordinal);
        Assert.True(DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("exp").GetInt64()) <= DateTimeOffset.UtcNow.AddHours(24));
    }

    [Fact]
    public async Task ADirectMessageToAnOnlineUserIsNoPush()
    {
        await using var receiver = await PushReceiver.StartAsync();
        await using var host = await HubAppHost.StartAsync(PushReceiver.HostSettings());
        using var bob = new PushSubscriber(receiver.EndpointOf("bob"));
        using var carol = new PushSubscriber(receiver.EndpointOf("carol"));
        await SubscribeAsync(host, "bob", bob.Json);
        await SubscribeAsync(host, "carol", carol.Json);
        await using var bobOnline = await host.ConnectAsync("bob");
        await using var alice = await host.ConnectAsync("alice");

        await alice.SendDirectMessageAsync("bob", "you are here").DefaultTimeout();
        var barrier = await alice.SendDirectMessageAsync("carol", "you are away").DefaultTimeout();

        await OnlyPushIsAsync(receiver, carol, "carol", barrier.Id);
    }

    [Fact]
    public async Task AMentionOfAnOfflineUserIsAPushOfKindMentionWithTheRoomAndTheFirst200Characters()
    {
        await using var receiver = await PushReceiver.StartAsync();
        await using var host = await HubAppHost.StartAsync(PushReceiver.HostSettings());
        using var bob = new PushSubscriber(receiver.EndpointOf("bob"));
        await SubscribeAsync(host, "bob", bob.Json);
        await using var alice = await host.ConnectAsync("alice", "Alice");
        await alice.JoinRoomAsync("general").DefaultTimeout();
        var text = "@bob " + new string('x', 300);

        var sent = await alice.SendMessageAsync("general", text).DefaultTimeout();
        var payload = bob.Decrypt((await receiver.Received.NextAsync()).Body);

        Assert.Equal("mention", payload.GetProperty("kind").GetString());
        Assert.Equal("general", payload.GetProperty("room").GetString());
        Assert.Equal(sent.Id, payload.GetProperty("id").GetInt64());
        Assert.Equal("Alice", payload.GetProperty("fromUserName").GetString());
        Assert.Equal(text[..200], payload.GetProperty("text").GetString());
    }

    [Fact]
    public async Task AMentionInAPrivateRoomOfAUserWhoMayNotReadItIsNoPush()
    {
        await using var receiver = await PushReceiver.StartAsync();
        await using var host = await HubAppHost.StartAsync(PushReceiver.HostSettings());
        using var bob = new PushSubscriber(receiver.EndpointOf("bob"));
        using var carol = new PushSubscriber(receiver.EndpointOf("carol"));
        await SubscribeAsync(host, "bob", bob.Json);
        await SubscribeAsync(host, "carol", carol.Json);
        await using var alice = await host.ConnectAsync("alice");
        await alice.CreateRoomAsync("secret", "private").DefaultTimeout();
        await alice.JoinRoomAsync("secret").DefaultTimeout();

        await alice.SendMessageAsync("secret", "@bob must not hear of this").DefaultTimeout();
        var barrier = await alice.SendDirectMessageAsync("carol", "barrier").DefaultTimeout();

        await OnlyPushIsAsync(receiver, carol, "carol", barrier.Id);
    }

    [Theory]
    [InlineData(410)]
    [InlineData(404)]
    public async Task AnEndpointThatAnswersGoneIsRemoved(int status)
    {
        await using var receiver = await PushReceiver.StartAsync();
        await using var host = await HubAppHost.StartAsync(PushReceiver.HostSettings());
        using var bob = new PushSubscriber(receiver.EndpointOf("bob"));
        using var carol = new PushSubscriber(receiver.EndpointOf("carol"));
        await SubscribeAsync(host, "bob", bob.Json);
        await SubscribeAsync(host, "carol", carol.Json);
        receiver.Answer("bob", status);
        await using var alice = await host.ConnectAsync("alice");
        var store = host.Services.GetRequiredService<IPushSubscriptionStore>();

        await alice.SendDirectMessageAsync("bob", "are you there?").DefaultTimeout();
        Assert.Equal("bob", (await receiver.Received.NextAsync()).Name);
        await alice.SendDirectMessageAsync("carol", "barrier").DefaultTimeout();
        Assert.Equal("carol", (await receiver.Received.NextAsync()).Name);

        Assert.Empty(await store.ListAsync("bob", CancellationToken.None));
        Assert.Single(await store.ListAsync("carol", CancellationToken.None));
        Assert.Equal(1, host.Services.GetRequiredService<PushMetrics>().Count(PushMetrics.Gone));
    }

    [Fact]
    public async Task ElevenSubscriptionsKeepTheNewestTenAndTheSameEndpointAgainIsAnUpdate()
    {
        await using var receiver = await PushReceiver.StartAsync();
        await using var host = await HubAppHost.StartAsync(PushReceiver.HostSettings());
        var store = host.Services.GetRequiredService<IPushSubscriptionStore>();
        var subscribers = Enumerable.Range(0, 11).Select(i => new PushSubscriber(receiver.EndpointOf($"bob-{i}"))).ToList();
        try
        {
            foreach (var subscriber in subscribers)
            {
                Assert.Equal(HttpStatusCode.Created, await SubscribeAsync(host, "bob", subscriber.Json));
            }

            var kept = await store.ListAsync("bob", CancellationToken.None);
            Assert.Equal(subscribers.Skip(1).Select(s => s.Endpoint).Reverse(), kept.Select(s => s.Endpoint));

            Assert.Equal(HttpStatusCode.Created, await SubscribeAsync(host, "bob", subscribers[1].Json));
            kept = await store.ListAsync("bob", CancellationToken.None);
            Assert.Equal(10, kept.Count);
            Assert.Equal(subscribers[1].Endpoint, kept[0].Endpoint);

            using var http = Authorized(host, "bob");
            using var delete = await http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, PushExtensions.SubscriptionsPath)
            {
                Content = JsonContent.Create(new { endpoint = subscribers[1].Endpoint }),
            });
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            Assert.DoesNotContain(subscribers[1].Endpoint, (await store.ListAsync("bob", CancellationToken.None)).Select(s => s.Endpoint));
        }
        finally
        {
            subscribers.ForEach(s => s.Dispose());
        }
    }

    [Theory]
    [InlineData("https://evil.example/push/x", true, true)]
    [InlineData("https://127.0.0.1.evil.example/push/x", true, true)]
    [InlineData("ftp://127.0.0.1/push/x", true, true)]
    [InlineData("not a url", true, true)]
    [InlineData("{receiver}", false, true)]
    [InlineData("{receiver}", true, false)]
    public async Task ABadSubscriptionIsInvalidMessageAndNothingIsStored(string endpoint, bool goodKey, bool goodAuth)
    {
        await using var receiver = await PushReceiver.StartAsync();
        await using var host = await HubAppHost.StartAsync(PushReceiver.HostSettings());
        using var subscriber = new PushSubscriber(receiver.EndpointOf("bob"));
        var url = endpoint.Replace("{receiver}", subscriber.Endpoint, StringComparison.Ordinal);
        var body = new
        {
            endpoint = url,
            keys = new
            {
                p256dh = goodKey ? System.Buffers.Text.Base64Url.EncodeToString(subscriber.PublicKey) : System.Buffers.Text.Base64Url.EncodeToString(new byte[65]),
                auth = goodAuth ? "AAAAAAAAAAAAAAAAAAAAAA" : "AAAA",
            },
        };

        using var http = Authorized(host, "bob");
        using var response = await http.PostAsJsonAsync(PushExtensions.SubscriptionsPath, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("invalid_message", problem.RootElement.GetProperty("code").GetString());
        Assert.Empty(await host.Services.GetRequiredService<IPushSubscriptionStore>().ListAsync("bob", CancellationToken.None));
        // The connection survives: the same client's next request is answered.
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync(PushExtensions.SubscriptionsPath, subscriber.Json)).StatusCode);
    }

    [Fact]
    public async Task TheDefaultHostsRefuseALocalEndpointAndAnHttpEndpointIsRefusedUnlessAllowed()
    {
        await using var host = await HubAppHost.StartAsync();
        using var subscriber = new PushSubscriber("http://127.0.0.1:9/push/x");
        using var onFcmOverHttp = new PushSubscriber("http://fcm.googleapis.com/fcm/send/x");
        using var onFcm = new PushSubscriber("https://fcm.googleapis.com/fcm/send/x");
        using var onApple = new PushSubscriber("https://web.push.apple.com/x");

        Assert.Equal(HttpStatusCode.BadRequest, await SubscribeAsync(host, "bob", subscriber.Json));
        Assert.Equal(HttpStatusCode.BadRequest, await SubscribeAsync(host, "bob", onFcmOverHttp.Json));
        Assert.Equal(HttpStatusCode.Created, await SubscribeAsync(host, "bob", onFcm.Json));
        Assert.Equal(HttpStatusCode.Created, await SubscribeAsync(host, "bob", onApple.Json));
    }

    [Theory]
    [InlineData("127.0.0.1", "false", true)]
    [InlineData("{authority}", "false", true)]
    [InlineData("*.example.com", "false", false)]
    [InlineData("localhost", "false", false)]
    [InlineData("*.example.com", "true", false)]
    public async Task AnHttpEndpointIsTakenOnlyOnALoopbackHostListedByNameOrWithAllowHttpEndpoints(string listed, string allowHttp, bool taken)
    {
        await using var receiver = await PushReceiver.StartAsync();
        using var subscriber = new PushSubscriber(receiver.EndpointOf("bob"));
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?>
        {
            ["Push:AllowedEndpointHosts:0"] = listed.Replace("{authority}", receiver.BaseAddress.Authority, StringComparison.Ordinal),
            ["Push:AllowHttpEndpoints"] = allowHttp,
        });

        Assert.Equal(taken ? HttpStatusCode.Created : HttpStatusCode.BadRequest, await SubscribeAsync(host, "bob", subscriber.Json));
    }

    [Fact]
    public async Task SubscribingNeedsAToken()
    {
        await using var host = await HubAppHost.StartAsync();
        using var http = host.CreateHttpClient();
        using var subscriber = new PushSubscriber("https://fcm.googleapis.com/fcm/send/x");

        using var response = await http.PostAsJsonAsync(PushExtensions.SubscriptionsPath, subscriber.Json);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task TheKeyFileIsMadeOnceOwnerOnlyAndReusedAcrossRestarts()
    {
        await using var first = await HubAppHost.StartAsync();
        var key = await PublicKeyAsync(first);
        var file = Path.Combine(first.DataDirectory, VapidKeys.FileName);
        Assert.True(File.Exists(file));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        Assert.Equal(65, System.Buffers.Text.Base64Url.DecodeFromChars(key).Length);
        await first.StopAsync();

        await using var second = await HubAppHost.StartAsync(dataDirectory: first.DataDirectory);

        Assert.Equal(key, await PublicKeyAsync(second));
        Assert.Single(Directory.GetFiles(first.DataDirectory, VapidKeys.FileName + "*"));
    }

    [Fact]
    public async Task ConfiguredKeysAreServedAndDisabledPushIsNotFound()
    {
        var pair = VapidKeyCodec.Generate();
        await using (var configured = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Push:PublicKey"] = pair.PublicKey, ["Push:PrivateKey"] = pair.PrivateKey }))
        {
            Assert.Equal(pair.PublicKey, await PublicKeyAsync(configured));
            Assert.False(File.Exists(Path.Combine(configured.DataDirectory, VapidKeys.FileName)));
        }

        await using var disabled = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Push:Enabled"] = "false" });
        using var http = disabled.CreateHttpClient();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(PushExtensions.KeyPath)).StatusCode);
    }

    /// <summary>
    /// The barrier of a test that expects no push: the next push is <paramref name="subscriber"/>'s, of entry
    /// <paramref name="id"/>, sent after the jobs before it (one sender), and no other push came.
    /// </summary>
    internal static async Task<ReceivedPush> OnlyPushIsAsync(PushReceiver receiver, PushSubscriber subscriber, string name, long id)
    {
        var push = await receiver.Received.NextAsync();
        Assert.Equal(name, push.Name);
        Assert.Equal(id, subscriber.Decrypt(push.Body).GetProperty("id").GetInt64());
        Assert.Single(receiver.Received.All);
        return push;
    }

    internal static async Task<string> PublicKeyAsync(HubAppHost host)
    {
        using var http = host.CreateHttpClient();
        return await PublicKeyAsync(http);
    }

    internal static async Task<string> PublicKeyAsync(HttpClient http)
    {
        using var key = JsonDocument.Parse(await http.GetStringAsync(PushExtensions.KeyPath));
        return key.RootElement.GetProperty("publicKey").GetString()!;
    }

    internal static async Task<HttpStatusCode> SubscribeAsync(Uri node, string userId, object subscription)
    {
        using var http = new HttpClient { BaseAddress = node, Timeout = TestTimeouts.Default };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create(userId));
        using var response = await http.PostAsJsonAsync(PushExtensions.SubscriptionsPath, subscription);
        return response.StatusCode;
    }

    private static Task<HttpStatusCode> SubscribeAsync(HubAppHost host, string userId, object subscription) => SubscribeAsync(host.BaseAddress, userId, subscription);

    private static HttpClient Authorized(HubAppHost host, string userId)
    {
        var http = host.CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create(userId));
        return http;
    }
}
