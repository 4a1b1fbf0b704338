using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Api;

/// <summary>The API asks the hub's one authorization service: private rooms, mutes and the directory over HTTP.</summary>
public abstract partial class RoomMessagesApiTests
{
    [Fact]
    public async Task APrivateRoomIsForbiddenOverHttpToAnOutsiderAndOpenToItsMembersAndAMutedMemberGetsMuted()
    {
        await using var host = await StartAsync();
        await using var owner = await host.ConnectAsync("owner");
        await owner.CreateRoomAsync("vault", RoomKinds.Private, "the plan").DefaultTimeout();
        await owner.InviteAsync("vault", "member").DefaultTimeout();
        await owner.InviteAsync("vault", "quiet").DefaultTimeout();
        await owner.MuteAsync("vault", "quiet").DefaultTimeout();
        using var http = host.CreateHttpClient();

        using var outsiderPost = await PostAsync(http, "mallory", "vault", new { text = "let me in" });
        using var outsiderRead = await SendAsync(http, HttpMethod.Get, "mallory", "/api/rooms/vault/messages");
        using var mutedPost = await PostAsync(http, "quiet", "vault", new { text = "shh" });
        using var memberPost = await PostAsync(http, "member", "vault", new { text = "inside" });

        await AssertProblemAsync(outsiderPost, HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        await AssertProblemAsync(outsiderRead, HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        await AssertProblemAsync(mutedPost, HttpStatusCode.Forbidden, ErrorCodes.Muted);
        Assert.Equal(HttpStatusCode.Created, memberPost.StatusCode);
        var stored = await ReadMessageAsync(memberPost);
        Assert.Equal([stored], await GetMessagesAsync(http, "quiet", "vault"));
        Assert.DoesNotContain("the plan", await outsiderRead.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoPrivateRoomsRefusalsOverHttpReadTheSameButForTheName()
    {
        await using var host = await StartAsync();
        await using var owner = await host.ConnectAsync("owner");
        await owner.CreateRoomAsync("vault", RoomKinds.Private, "the plan").DefaultTimeout();
        await owner.CreateRoomAsync("safe", RoomKinds.Private, "another topic").DefaultTimeout();
        await owner.InviteAsync("safe", "member").DefaultTimeout();
        await owner.JoinRoomAsync("safe").DefaultTimeout();
        await owner.PostMessageAsync("safe", "the secret", null).DefaultTimeout();
        using var http = host.CreateHttpClient();

        foreach (var (method, body) in new[] { (HttpMethod.Post, (object?)new { text = "let me in" }), (HttpMethod.Get, null) })
        {
            using var vault = await SendAsync(http, method, "mallory", "/api/rooms/vault/messages", body is null ? null : JsonContent.Create(body));
            using var safe = await SendAsync(http, method, "mallory", "/api/rooms/safe/messages", body is null ? null : JsonContent.Create(body));
            var vaultProblem = await ProblemWithoutNameAsync(vault, "vault");
            var safeProblem = await ProblemWithoutNameAsync(safe, "safe");

            Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (vault.StatusCode, safe.StatusCode));
            Assert.Equal(vaultProblem, safeProblem);
            Assert.Contains(ErrorCodes.Forbidden, vaultProblem, StringComparison.Ordinal);
            Assert.DoesNotContain("owner", safeProblem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnAdminPostsToAndReadsAPrivateRoomOverHttpAndSeesItInStatsAndTheDirectory()
    {
        await using var host = await StartAsync();
        await using var owner = await host.ConnectAsync("owner");
        await owner.CreateRoomAsync("vault", RoomKinds.Private, "the plan").DefaultTimeout();
        await owner.JoinRoomAsync("vault").DefaultTimeout();
        var ownersMessage = await owner.PostMessageAsync("vault", "inside", null).DefaultTimeout();
        string[] admin = [TestTokens.AdminRole];
        await using var adminClient = host.CreateClient("root", token: () => TestTokens.Create("root", "root", roles: admin));
        await adminClient.StartAsync().DefaultTimeout();
        using var http = host.CreateHttpClient();

        // Neither a member nor joined: the admin role alone lets the post through.
        using var post = await PostAsync(http, "root", "vault", new { text = "from the admin" }, roles: admin);
        using var read = await SendAsync(http, HttpMethod.Get, "root", "/api/rooms/vault/messages", roles: admin);
        using var stats = await SendAsync(http, HttpMethod.Get, "root", "/stats", roles: admin);
        using var outsiderStats = await SendAsync(http, HttpMethod.Get, "mallory", "/stats");
        using var directory = await SendAsync(http, HttpMethod.Get, "root", "/api/rooms", roles: admin);

        Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        var posted = await ReadMessageAsync(post);
        Assert.Equal(("root", "from the admin"), (posted.UserId, posted.Text));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal([ownersMessage, posted], await read.Content.ReadFromJsonAsync<ChatMessage[]>(Json) ?? []);
        Assert.Equal(1, (await StatsRoomsAsync(stats)).GetProperty("vault").GetInt32());
        Assert.False((await StatsRoomsAsync(outsiderStats)).TryGetProperty("vault", out _));
        Assert.Contains(await directory.Content.ReadFromJsonAsync<RoomSummary[]>(Json) ?? [], r => r is { Room: "vault", Kind: RoomKinds.Private, Topic: "the plan" });
        Assert.Contains(await adminClient.ListRoomsAsync(null, 200).DefaultTimeout(), r => r is { Room: "vault", Kind: RoomKinds.Private });
        Assert.Contains(await adminClient.ListRoomsAsync("plan", 200).DefaultTimeout(), r => r.Room == "vault");
    }

    [Fact]
    public async Task TheDirectoryOverHttpListsOpenAndPublicRoomsAndOnlyTheCallersPrivateOnes()
    {
        await using var host = await StartAsync();
        await using var owner = await host.ConnectAsync("owner");
        await owner.JoinRoomAsync("lobby").DefaultTimeout();
        await owner.CreateRoomAsync("town", RoomKinds.Public, "everyone").DefaultTimeout();
        await owner.CreateRoomAsync("vault", RoomKinds.Private, "the plan").DefaultTimeout();
        await owner.InviteAsync("vault", "member").DefaultTimeout();
        using var http = host.CreateHttpClient();

        var forOutsider = await ListAsync(http, "mallory");
        var forMember = await ListAsync(http, "member");

        Assert.Contains(forOutsider, r => r is { Room: "lobby", Kind: RoomKinds.Open });
        Assert.Contains(forOutsider, r => r is { Room: "town", Kind: RoomKinds.Public, Topic: "everyone" });
        Assert.DoesNotContain(forOutsider, r => r.Room == "vault");
        Assert.Contains(forMember, r => r is { Room: "vault", Kind: RoomKinds.Private, Topic: "the plan" });
        Assert.Equal(await owner.ListRoomsAsync(null, 200).DefaultTimeout(), await ListAsync(http, "owner"));
    }

    // The problem body with the room's name replaced and the per-request trace id (if any) left out.
    private static async Task<string> ProblemWithoutNameAsync(HttpResponseMessage response, string room)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        problem.Remove("traceId");
        return problem.ToJsonString().Replace(room, "ROOM", StringComparison.Ordinal);
    }

    private static async Task<JsonElement> StatsRoomsAsync(HttpResponseMessage stats)
    {
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        using var document = JsonDocument.Parse(await stats.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("rooms").Clone();
    }

    private static async Task<RoomSummary[]> ListAsync(HttpClient http, string userId)
    {
        using var response = await SendAsync(http, HttpMethod.Get, userId, "/api/rooms");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<RoomSummary[]>(Json) ?? [];
    }
}
