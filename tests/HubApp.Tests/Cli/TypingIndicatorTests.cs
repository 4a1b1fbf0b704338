using HubApp.Cli.Chat;

namespace HubApp.Tests.Cli;

public sealed class TypingIndicatorTests
{
    private readonly ManualTime _time = new();

    [Fact]
    public void TypingIsShownOnceAcrossRefreshesAndAgainOnlyAfterItStopped()
    {
        var typing = new TypingIndicator(_time);

        Assert.True(typing.Update("general", "bob", true));
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.False(typing.Update("general", "bob", true));
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.False(typing.Update("general", "bob", true));
        Assert.True(typing.Update("other", "bob", true));

        Assert.False(typing.Update("general", "bob", false));
        Assert.True(typing.Update("general", "bob", true));
        typing.MessageFrom("general", "bob");
        Assert.True(typing.Update("general", "bob", true));
        _time.Advance(TypingIndicator.Expiry);
        Assert.True(typing.Update("general", "bob", true));
    }

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
