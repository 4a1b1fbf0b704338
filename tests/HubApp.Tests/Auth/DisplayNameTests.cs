using HubApp.Auth;

namespace HubApp.Tests.Auth;

public sealed class DisplayNameTests
{
    [Theory]
    [InlineData("Alice", "Alice")]
    [InlineData("  Alice  ", "Alice")]
    [InlineData("Al\u202Eice", "Alice")]          // a bidi override (Cf)
    [InlineData("A\u200Bl\u200Dice\u0007", "Alice")] // zero-width space and joiner (Cf), a bell (Cc)
    [InlineData("\u200B \t", "alice-id")]          // nothing left: the user id
    [InlineData("", "alice-id")]
    [InlineData(null, "alice-id")]
    [InlineData("tag\U000E0041s", "tags")]          // a tag character beyond the BMP (Cf)
    [InlineData("\u00A0 Zoë 👋 \u00A0", "Zoë 👋")]
    public void ANameLosesControlAndFormatCharactersAndSurroundingWhiteSpace(string? name, string expected) =>
        Assert.Equal(expected, DisplayName.Clean(name, "alice-id"));

    [Fact]
    public void ALongNameIsCutTo64CodeUnitsWithoutSplittingASurrogatePair()
    {
        Assert.Equal(new string('a', 64), DisplayName.Clean(new string('a', 100), "x"));
        var name = new string('a', 63) + "👋👋";
        Assert.Equal(new string('a', 63), DisplayName.Clean(name, "x"));
        Assert.Equal(new string('a', 62) + "👋", DisplayName.Clean(new string('a', 62) + "👋👋", "x"));
    }

    [Theory]
    [InlineData("alice", true)]
    [InlineData("al\u200Bice", false)]
    [InlineData("al\u202Eice", false)]
    [InlineData("al\u0001ice", false)]
    public void AUserIdWithAControlOrFormatCharacterIsNotValid(string userId, bool valid) =>
        Assert.Equal(valid, ChatClaims.IsValidUserId(userId));
}
