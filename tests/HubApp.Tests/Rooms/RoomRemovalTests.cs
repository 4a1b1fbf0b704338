using HubApp.Client;
using HubApp.Testing;
using Microsoft.AspNetCore.Http.Connections;

namespace HubApp.Tests.Rooms;

/// <summary>
/// One host (SQLite): whoever may no longer read a room is out of its group before the room's next entry or event, over
/// each transport and protocol of the removed connection (<see cref="RemovalScenarios"/>).
/// </summary>
public sealed class RoomRemovalTests(RoomHostFixture fixture) : IClassFixture<RoomHostFixture>
{
    /// <summary>The removed connection's transport and protocol (MessagePack is binary, which Server-Sent Events cannot carry).</summary>
    public static TheoryData<HttpTransportType, ChatProtocol> TransportsAndProtocols => new()
    {
        { HttpTransportType.WebSockets, ChatProtocol.Json },
        { HttpTransportType.WebSockets, ChatProtocol.MessagePack },
        { HttpTransportType.ServerSentEvents, ChatProtocol.Json },
        { HttpTransportType.LongPolling, ChatProtocol.Json },
        { HttpTransportType.LongPolling, ChatProtocol.MessagePack },
    };

    [Theory]
    [MemberData(nameof(TransportsAndProtocols))]
    public async Task ASquatterOfAnOpenRoomClaimedAsPrivateIsTakenOutBeforeItsNextEntryAndAnAdminStays(HttpTransportType transport, ChatProtocol protocol)
    {
        var squatterId = fixture.NewRoomName("squatter");
        await using var owner = await fixture.Host.ConnectAsync("owner");
        await using var squatter = await StartAsync(squatterId, transport, protocol);
        await using var admin = await fixture.ConnectAdminAsync("root");

        await RemovalScenarios.ClaimAsync(owner, squatter, squatterId, admin, fixture.NewRoomName("claimed"), fixture.NewRoomName("elsewhere"));
    }

    [Theory]
    [MemberData(nameof(TransportsAndProtocols))]
    public async Task AKickedOrBannedUserGetsNothingOfTheRoomSentAfterTheRemoval(HttpTransportType transport, ChatProtocol protocol)
    {
        var (kickedId, bannedId) = (fixture.NewRoomName("kicked"), fixture.NewRoomName("banned"));
        await using var owner = await fixture.Host.ConnectAsync("owner");
        await using var witness = await fixture.Host.ConnectAsync("witness");
        await using var kicked = await StartAsync(kickedId, transport, protocol);
        await using var banned = await StartAsync(bannedId, transport, protocol);

        await RemovalScenarios.KickOrBanAsync(owner, kicked, kickedId, witness, "witness", fixture.NewRoomName("kick"), fixture.NewRoomName("elsewhere"), ban: false);
        await RemovalScenarios.KickOrBanAsync(owner, banned, bannedId, witness, "witness", fixture.NewRoomName("ban"), fixture.NewRoomName("elsewhere"), ban: true);
    }

    private async Task<ChatClient> StartAsync(string userId, HttpTransportType transport, ChatProtocol protocol)
    {
        var client = fixture.Host.CreateClient(userId, transports: transport, protocol: protocol);
        await client.StartAsync().DefaultTimeout();
        return client;
    }
}
