using System.Net;
using System.Net.Http.Json;
using HubApp.Contracts;
using HubApp.Tests.Infrastructure;

namespace HubApp.Tests.Api;

/// <summary>The API asks the hub's one authorization service: private rooms, mutes and the directory over HTTP.</summary>
public abstract partial class RoomMessagesApiTests
{
    [Fact]
    public async Task APrivateRoomIsForbiddenOverHttpToAnOutsiderAndOpenToItsMembersAndAMutedMemberGetsMuted()
    {
        await using var host = await StartAsync();
        await using var owner = await host.ConnectAsync("owner");
        await owner.CreateRoomAsync("vault", RoomKinds.Private, "the plan").WaitAsync(TestTimeouts.Default);
        await owner.InviteAsync("vault", "member").WaitAsync(TestTimeouts.Default);
        await owner.InviteAsync("vault", "quiet").WaitAsync(TestTimeouts.Default);
        await owner.MuteAsync("vault", "quiet").WaitAsync(TestTimeouts.Default);
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
    public async Task TheDirectoryOverHttpListsOpenAndPublicRoomsAndOnlyTheCallersPrivateOnes()
    {
        await using var host = await StartAsync();
        await using var owner = await host.ConnectAsync("owner");
        await owner.JoinRoomAsync("lobby").WaitAsync(TestTimeouts.Default);
        await owner.CreateRoomAsync("town", RoomKinds.Public, "everyone").WaitAsync(TestTimeouts.Default);
        await owner.CreateRoomAsync("vault", RoomKinds.Private, "the plan").WaitAsync(TestTimeouts.Default);
        await owner.InviteAsync("vault", "member").WaitAsync(TestTimeouts.Default);
        using var http = host.CreateHttpClient();

        var forOutsider = await ListAsync(http, "mallory");
        var forMember = await ListAsync(http, "member");

        Assert.Contains(forOutsider, r => r is { Room: "lobby", Kind: RoomKinds.Open });
        Assert.Contains(forOutsider, r => r is { Room: "town", Kind: RoomKinds.Public, Topic: "everyone" });
        Assert.DoesNotContain(forOutsider, r => r.Room == "vault");
        Assert.Contains(forMember, r => r is { Room: "vault", Kind: RoomKinds.Private, Topic: "the plan" });
        Assert.Equal(await owner.ListRoomsAsync(null, 200).WaitAsync(TestTimeouts.Default), await ListAsync(http, "owner"));
    }

    private static async Task<RoomSummary[]> ListAsync(HttpClient http, string userId)
    {
        using var response = await SendAsync(http, HttpMethod.Get, userId, "/api/rooms");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<RoomSummary[]>(Json) ?? [];
    }
}
