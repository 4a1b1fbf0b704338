using HubApp.Client;
using HubApp.Contracts;
using HubApp.Rooms;
using HubApp.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HubApp.Tests.Rooms;

/// <summary>
/// Rules of rooms that only the store can keep when calls race (one owner, the creation allowance and the cap on rooms
/// owned), and what the directory keeps, through the real host on each store (a subclass picks it).
/// </summary>
public abstract partial class RoomLimitsTests : IAsyncLifetime
{
    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task TwoHandOversAtOnceLeaveExactlyOneOwnerAndTheSecondIsForbidden()
    {
        await using var host = await StartAsync();
        await using var phone = await host.ConnectAsync("alice");
        await using var laptop = await host.ConnectAsync("alice");
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var room = $"handover-{attempt}";
            await phone.CreateRoomAsync(room, RoomKinds.Public).DefaultTimeout();

            // Both connections hand the room over at the same moment, each to someone else.
            var outcomes = await Task.WhenAll(HandOverAsync(phone, room, "bob"), HandOverAsync(laptop, room, "carol"));

            var info = await phone.GetRoomInfoAsync(room).DefaultTimeout();
            var owner = Assert.Single(info.Members, m => m.Role == RoomRoles.Owner);
            Assert.Equal(owner.UserId, info.OwnerId);
            Assert.Single(outcomes, code => code is null);
            Assert.Single(outcomes, code => code == ErrorCodes.Forbidden);
            Assert.Equal(RoomRoles.Moderator, info.Members.Single(m => m.UserId == "alice").Role);
        }
    }

    [Fact]
    public async Task RoomsCreatedPastTheHourlyAllowanceAreRateLimitedAcrossTheUsersConnections()
    {
        await using var host = await StartAsync(new Dictionary<string, string?> { ["Limits:RoomsCreatedPerHour"] = "3" });
        var alice = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => host.ConnectAsync("alice")));
        try
        {
            // Every connection creates two rooms at once: eight creations against an allowance of three.
            var outcomes = await Task.WhenAll(alice.SelectMany((connection, i) => new[] { $"burst-{i}-a", $"burst-{i}-b" }.Select(room => CreateAsync(connection, room))));

            Assert.Equal(3, outcomes.Count(code => code is null));
            Assert.All(outcomes.Where(code => code is not null), code => Assert.Equal(ErrorCodes.RateLimited, code));
            var listed = await alice[0].ListRoomsAsync("burst-", 200).DefaultTimeout();
            Assert.Equal(3, listed.Count);

            // Another user has an allowance of their own.
            await using var bob = await host.ConnectAsync("bob");
            Assert.Null(await CreateAsync(bob, "bobs-room"));
        }
        finally
        {
            foreach (var connection in alice)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AUserWhoOwnsTheMostRoomsAllowedIsForbiddenAnotherUntilHandingOneOver()
    {
        await using var host = await StartAsync(new Dictionary<string, string?> { ["Limits:MaxRoomsOwned"] = "2" });
        await using var alice = await host.ConnectAsync("alice");
        Assert.Null(await CreateAsync(alice, "owned-1"));
        Assert.Null(await CreateAsync(alice, "owned-2"));

        Assert.Equal(ErrorCodes.Forbidden, await CreateAsync(alice, "owned-3"));

        await alice.SetRoleAsync("owned-1", "bob", RoomRoles.Owner).DefaultTimeout();
        Assert.Null(await CreateAsync(alice, "owned-3"));
        Assert.Equal("alice", (await alice.GetRoomInfoAsync("owned-3").DefaultTimeout()).OwnerId);
    }

    [Fact]
    public async Task AnOpenRoomWithoutMessagesIsNeitherListedNorKeptOnceNobodyIsInIt()
    {
        await using var host = await StartAsync();
        var working = host.Services.GetRequiredService<RoomStateCache>();
        await using var alice = await host.ConnectAsync("alice");
        var bob = await host.ConnectAsync("bob");
        await alice.JoinRoomAsync("ghost-left").DefaultTimeout();
        await bob.JoinRoomAsync("ghost-gone").DefaultTimeout();
        Assert.Equal(["ghost-gone", "ghost-left"], (await alice.ListRoomsAsync("ghost-", 200).DefaultTimeout()).Select(r => r.Room).Order());
        Assert.True(working.Holds("ghost-left") && working.Holds("ghost-gone"));

        // One leaves the room, the other's connection closes.
        await alice.LeaveRoomAsync("ghost-left").DefaultTimeout();
        await bob.DisposeAsync();

        for (var attempt = 0; attempt < 100 && working.Holds("ghost-gone"); attempt++)
        {
            await Task.Delay(50);
        }

        Assert.False(working.Holds("ghost-left"));
        Assert.False(working.Holds("ghost-gone"));
        Assert.Empty(await alice.ListRoomsAsync("ghost-", 200).DefaultTimeout());
    }

    /// <summary>Starts the host on the subclass's store.</summary>
    private protected abstract Task<HubAppHost> StartAsync(IDictionary<string, string?>? settings = null);

    // The refusal's code, or null when the room was made.
    private static Task<string?> CreateAsync(ChatClient owner, string room) => CodeOfAsync(owner.CreateRoomAsync(room, RoomKinds.Public));

    // The refusal's code, or null when the hand-over was made.
    private static Task<string?> HandOverAsync(ChatClient owner, string room, string to) => CodeOfAsync(owner.SetRoleAsync(room, to, RoomRoles.Owner));

    private static async Task<string?> CodeOfAsync(Task call)
    {
        try
        {
            await call.DefaultTimeout();
            return null;
        }
        catch (ChatException ex)
        {
            return ex.Code;
        }
    }
}
