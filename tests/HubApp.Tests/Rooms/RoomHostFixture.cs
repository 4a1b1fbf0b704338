using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Rooms;

/// <summary>One real host shared by a class's tests, each of which makes rooms of its own (fresh names).</summary>
public sealed class RoomHostFixture : IAsyncLifetime
{
    private int _rooms;

    internal HubAppHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await HubAppHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();

    /// <summary>A room name no other test of the class uses.</summary>
    public string NewRoomName(string prefix) => $"{prefix}-{Interlocked.Increment(ref _rooms)}";

    /// <summary>A connected client of an admin (the token's role claim holds Auth:AdminRole).</summary>
    public async Task<ChatClient> ConnectAdminAsync(string userId)
    {
        var client = Host.CreateClient(userId, token: () => TestTokens.Create(userId, userId, roles: [TestTokens.AdminRole]));
        await client.StartAsync().DefaultTimeout();
        return client;
    }

    /// <summary>
    /// A private room owned by <paramref name="owner"/> with a moderator, members, a banned and a muted user (for good), all
    /// named by their role: "{room}-moderator" and so on.
    /// </summary>
    public static async Task SeedAsync(ChatClient owner, string room, string moderator, string[] members, string banned, string muted)
    {
        await owner.CreateRoomAsync(room, RoomKinds.Private, "a topic").DefaultTimeout();
        foreach (var user in members.Append(moderator).Append(banned).Append(muted))
        {
            await owner.InviteAsync(room, user).DefaultTimeout();
        }

        await owner.SetRoleAsync(room, moderator, RoomRoles.Moderator).DefaultTimeout();
        await owner.BanAsync(room, banned).DefaultTimeout();
        await owner.MuteAsync(room, muted).DefaultTimeout();
    }

    /// <summary>
    /// That <paramref name="info"/> is the room <see cref="SeedAsync"/> made with "owner", "moderator", ["member"], "banned" and
    /// "muted": kind, owner, topic, roles (the banned user is no member) and the mute.
    /// </summary>
    public static void AssertSeeded(RoomInfo info)
    {
        Assert.Equal((RoomKinds.Private, "owner", "a topic"), (info.Kind, info.OwnerId, info.Topic));
        Assert.Equal(
            [("member", RoomRoles.Member), ("moderator", RoomRoles.Moderator), ("muted", RoomRoles.Member), ("owner", RoomRoles.Owner)],
            info.Members.Select(m => (m.UserId, m.Role)).Order());
        Assert.NotNull(info.Members.Single(m => m.UserId == "muted").MutedUntil);
    }
}
