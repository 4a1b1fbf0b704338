using HubApp.Bench;
using HubApp.Testing;

namespace HubApp.Tests.Bench;

/// <summary>The load generator's workloads, small and short, against the real host: they run and count right.</summary>
public sealed class BenchWorkloadTests
{
    [Fact]
    public async Task FanOutDeliversEveryAcknowledgedMessageToEveryMemberAndMeasuresTheServer()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Auth:DevTokens:Enabled"] = "true" });
        using var target = new BenchTarget("host", host.BaseAddress, authenticate: true, new ProcessMeter(Environment.ProcessId));
        var settings = new FanOutSettings(Rooms: 2, Members: 3, Window: 4, Warmup: TimeSpan.FromMilliseconds(300), Duration: TimeSpan.FromSeconds(1), OfferedRate: null);

        var result = await new FanOutWorkload(target, settings, TextWriter.Null).RunAsync(CancellationToken.None).DefaultTimeout(TestTimeouts.Slow);

        Assert.True(result.DeliveriesPerSecond > 0);
        Assert.Equal(0, result.Lost);
        Assert.Equal(0, result.SendErrors);
        Assert.True(result.Latency.Samples > 0 && result.Latency.P50Ms <= result.Latency.P99Ms);
        Assert.True(result.ServerCpuSecondsPer100k > 0);
        Assert.True(result.ClientCpuMicrosecondsPerDelivery > 0);
    }

    [Fact]
    public async Task TheFullClientStillDrivesTheFanOutForCorrectnessRuns()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Auth:DevTokens:Enabled"] = "true" });
        using var target = new BenchTarget("host", host.BaseAddress, authenticate: true, process: null, BenchClient.Full);
        var settings = new FanOutSettings(Rooms: 2, Members: 3, Window: 4, Warmup: TimeSpan.FromMilliseconds(300), Duration: TimeSpan.FromSeconds(1), OfferedRate: null);

        var result = await new FanOutWorkload(target, settings, TextWriter.Null).RunAsync(CancellationToken.None).DefaultTimeout(TestTimeouts.Slow);

        Assert.True(result.DeliveriesPerSecond > 0);
        Assert.Equal(0, result.Lost);
        Assert.Equal(0, result.SendErrors);
    }

    [Fact]
    public async Task IdleConnectionsAreCountedWithTheServersCpuPerConnect()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Auth:DevTokens:Enabled"] = "true" });
        using var target = new BenchTarget("host", host.BaseAddress, authenticate: true, new ProcessMeter(Environment.ProcessId));

        var result = await new IdleWorkload(target, connections: 30, rooms: 3, authenticate: true, TextWriter.Null, warmup: TimeSpan.Zero, inFlight: 10).RunAsync(CancellationToken.None).DefaultTimeout(TestTimeouts.Slow);

        Assert.Equal(30, result.Connections);
        Assert.True(result.ConnectsPerSecond > 0);
        Assert.True(result.ServerCpuMsPerConnect > 0);
    }

    [Fact]
    public async Task TheChatRoundTripWaitsForTheSendersOwnDelivery()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Auth:DevTokens:Enabled"] = "true" });
        using var target = new BenchTarget("host", host.BaseAddress, authenticate: true, process: null);

        var result = await PingWorkload.RoundTripAsync(target, "test", 20, Pinning.None, CancellationToken.None).DefaultTimeout(TestTimeouts.Slow);

        Assert.Equal(20, result.Latency.Samples);
        Assert.Equal("test", result.Label);
        await using var reader = await host.ConnectAsync("history-reader");
        Assert.Equal(40, (await RoomHistory.ReadAllAsync(reader, PingWorkload.SoloRoom)).Count); // 20 warm-up, 20 measured
    }

    [Fact]
    public async Task AFixedRateRunOffersAboutTheRateAskedFor()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Auth:DevTokens:Enabled"] = "true" });
        using var target = new BenchTarget("host", host.BaseAddress, authenticate: true, process: null);
        var settings = new FanOutSettings(Rooms: 2, Members: 5, Window: 4, Warmup: TimeSpan.FromMilliseconds(300), Duration: TimeSpan.FromSeconds(2), OfferedRate: 200);

        var result = await new FanOutWorkload(target, settings, TextWriter.Null).RunAsync(CancellationToken.None).DefaultTimeout(TestTimeouts.Slow);

        Assert.InRange(result.DeliveriesPerSecond, 100, 300);
        Assert.Equal(0, result.Lost);
    }

    [Fact]
    public async Task PingMeasuresRoundTrips()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Auth:DevTokens:Enabled"] = "true" });
        using var target = new BenchTarget("host", host.BaseAddress, authenticate: true, process: null);

        var result = await PingWorkload.RunAsync(target, 50, CancellationToken.None).DefaultTimeout();

        Assert.Equal(50, result.Samples);
        Assert.True(result.P50Ms > 0);
    }
}
