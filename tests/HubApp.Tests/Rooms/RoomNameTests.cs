using HubApp.Rooms;

namespace HubApp.Tests.Rooms;

public sealed class RoomNameTests
{
    [Theory]
    [InlineData("general", "general")]
    [InlineData("General", "general")]
    [InlineData("a", "a")]
    [InlineData("7up", "7up")]
    [InlineData("team.dev-ops_2", "team.dev-ops_2")]
    public void ValidNamesNormalizeToLowercase(string name, string expected)
    {
        Assert.True(RoomName.TryNormalize(name, out var normalized));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".hidden")]
    [InlineData("room\n")]
    [InlineData("with/slash")]
    [InlineData("Ｆullwidth")]
    public void InvalidNamesAreRejected(string? name) => Assert.False(RoomName.TryNormalize(name, out _));

    [Fact]
    public void SixtyFourCharactersIsTheLongestName()
    {
        Assert.True(RoomName.TryNormalize(new string('r', 64), out _));
        Assert.False(RoomName.TryNormalize(new string('r', 65), out _));
    }
}
