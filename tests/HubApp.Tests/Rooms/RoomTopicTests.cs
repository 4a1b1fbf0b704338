using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Rooms;

/// <summary>A room's topic shows what it says: cleaned as a display name is, wherever it is set and read.</summary>
public sealed class RoomTopicTests(RoomHostFixture fixture) : IClassFixture<RoomHostFixture>
{
    [Fact]
    public async Task ATopicLosesBidiOverridesAndZeroWidthCharactersAndOneLeftEmptyIsNull()
    {
        var room = fixture.NewRoomName("topic");
        await using var owner = await fixture.Host.ConnectAsync("owner");

        // A right-to-left override makes "exe.txt" show as "txt.exe"; zero-width spaces and joiners hide in the words.
        var created = await owner.CreateRoomAsync(room, RoomKinds.Public, " \u202Eexe.txt\u202C official\u200B sup\u200Dport\u2066 ").DefaultTimeout();

        Assert.Equal("exe.txt official support", created.Topic);
        Assert.Equal(created.Topic, (await owner.GetRoomInfoAsync(room).DefaultTimeout()).Topic);
        Assert.Equal(created.Topic, Assert.Single(await owner.ListRoomsAsync(room, 200).DefaultTimeout()).Topic);

        var emptied = await owner.UpdateRoomAsync(room, "\u200B\u200F\u202E \uFEFF").DefaultTimeout();

        Assert.Null(emptied.Topic);
        Assert.Null((await owner.GetRoomInfoAsync(room).DefaultTimeout()).Topic);
    }
}
