using HubApp.Bench;

namespace HubApp.Tests.Bench;

/// <summary>The paced senders' schedule: spread over the interval, a window counts the offered rate.</summary>
public sealed class SendWindowTests
{
    [Fact]
    public void SendersStartSpreadEvenlyOverOneInterval()
    {
        var interval = TimeSpan.FromSeconds(4);

        Assert.Equal(
            [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)],
            Enumerable.Range(0, 4).Select(i => SendWindow.Phase(i, 4, interval)));
        Assert.Equal(TimeSpan.Zero, SendWindow.Phase(0, 0, interval));
    }

    [Theory]
    // The cluster run's direct workload: 1,000 users, 600 deliveries a second, 2 each; 6-s warm-up, 8-s window.
    [InlineData(1000, 2, 600.0, 6.0, 8.0)]
    // Its room workload: 200 rooms × 5 members at 3,000 deliveries a second.
    [InlineData(200, 5, 3000.0, 6.0, 8.0)]
    public void AMeasurementWindowCountsTheOfferedRateWithinOnePercent(int senders, int deliveriesPerSend, double rate, double warmup, double window)
    {
        var interval = SendWindow.Interval(rate, senders, deliveriesPerSend);
        var sends = 0;
        for (var i = 0; i < senders; i++)
        {
            // The k-th send of a sender leaves at phase + k × interval (RunAsync's schedule).
            var phase = SendWindow.Phase(i, senders, interval).TotalSeconds;
            for (var at = phase; at < warmup + window; at += interval.TotalSeconds)
            {
                sends += at >= warmup ? 1 : 0;
            }
        }

        var counted = sends * deliveriesPerSend / window;
        Assert.InRange(counted / rate, 0.99, 1.01);
    }
}
