using HubApp.Client;
using HubApp.Contracts;
using HubApp.Tests.Infrastructure;

namespace HubApp.Tests.Rooms;

/// <summary>
/// Rules of created rooms that only the store can keep when calls race (one owner), through the real host on each store
/// (a subclass picks it).
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
            await phone.CreateRoomAsync(room, RoomKinds.Public).WaitAsync(TestTimeouts.Default);

            // Both connections hand the room over at the same moment, each to someone else.
            var outcomes = await Task.WhenAll(HandOverAsync(phone, room, "bob"), HandOverAsync(laptop, room, "carol"));

            var info = await phone.GetRoomInfoAsync(room).WaitAsync(TestTimeouts.Default);
            var owner = Assert.Single(info.Members, m => m.Role == RoomRoles.Owner);
            Assert.Equal(owner.UserId, info.OwnerId);
            Assert.Single(outcomes, code => code is null);
            Assert.Single(outcomes, code => code == ErrorCodes.Forbidden);
            Assert.Equal(RoomRoles.Moderator, info.Members.Single(m => m.UserId == "alice").Role);
        }
    }

    /// <summary>Starts the host on the subclass's store.</summary>
    private protected abstract Task<HubAppHost> StartAsync(IDictionary<string, string?>? settings = null);

    // The refusal's code, or null when the hand-over was made.
    private static async Task<string?> HandOverAsync(ChatClient owner, string room, string to)
    {
        try
        {
            await owner.SetRoleAsync(room, to, RoomRoles.Owner).WaitAsync(TestTimeouts.Default);
            return null;
        }
        catch (ChatException ex)
        {
            return ex.Code;
        }
    }
}
