using System.Diagnostics;
using HubApp.Bench;

namespace HubApp.Tests.Bench;

public sealed class BenchMeasurementTests
{
    [Fact]
    public void PercentilesAreTheNearestRankOfTheSortedSamples()
    {
        var oneMs = Stopwatch.Frequency / 1000;
        var samples = Enumerable.Range(1, 100).Select(i => i * oneMs).Reverse().ToList();

        var summary = Percentiles.Summarize(samples);

        Assert.Equal(100, summary.Samples);
        Assert.Equal(50, summary.P50Ms, precision: 6);
        Assert.Equal(95, summary.P95Ms, precision: 6);
        Assert.Equal(99, summary.P99Ms, precision: 6);
        Assert.Equal(100, summary.MaxMs, precision: 6);
    }

    [Fact]
    public void CostPerOperationSumsEveryPhaseOfAKindAndHasItsRatioToTheFirstKind()
    {
        var cpu = new CpuUse(0.9, 0.3, 1, 1, Pinned: true, WallSeconds: 10);
        var settings = new CostSettings(1, 10, 4, TimeSpan.Zero, TimeSpan.FromSeconds(10), 2, null, [OperationKind.Message, OperationKind.Reaction]);
        CostPhase Phase(OperationKind kind, int round, long operations, double cpuSeconds) => new(kind, round, 10, operations, operations * 10, cpuSeconds, 0, 0, cpu);

        var result = CostResult.Of("t", settings, [
            Phase(OperationKind.Message, 1, 1000, 1.0), Phase(OperationKind.Reaction, 1, 1000, 1.5),
            Phase(OperationKind.Message, 2, 3000, 2.0), Phase(OperationKind.Reaction, 2, 1000, 1.5)]);
        var printed = new StringWriter();
        result.Print(printed);

        var (message, reaction) = (result.Costs[0], result.Costs[1]);
        Assert.Equal((4000L, 200.0, 0.75, 75.0, 10.0), (message.Operations, message.OperationsPerSecond, message.ServerCpuMsPerOperation, message.ServerCpuMicrosecondsPerDelivery, message.DeliveriesPerOperation));
        Assert.Equal((2000L, 1.5), (reaction.Operations, reaction.ServerCpuMsPerOperation));
        Assert.Equal([1.0, 2.0 / 3], message.CpuMsPerOperationByRound);
        Assert.Contains("| reaction ÷ message | 0.5 | **2** | 2 |", printed.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void NoSamplesGiveNoFigures() => Assert.True(double.IsNaN(Percentiles.Summarize([]).P50Ms));

    [Fact]
    public void TheProcessMeterReadsThisProcessesCpuAndMemory()
    {
        var meter = new ProcessMeter(Environment.ProcessId);
        var before = meter.CpuSeconds();
        // Burn 200 ms of CPU as the runtime counts it (not 200 ms of wall time: on a loaded machine this thread may get
        // far less of the processor than that), bounded in wall time.
        var wall = Stopwatch.StartNew();
        var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        while (Process.GetCurrentProcess().TotalProcessorTime - cpuStart < TimeSpan.FromMilliseconds(200) && wall.Elapsed < TimeSpan.FromSeconds(30))
        {
        }

        Assert.InRange(meter.CpuSeconds() - before, 0.05, 60);
        Assert.InRange(meter.RssBytes(), 10L << 20, 64L << 30);
        // Within the range, not compared with a separate read of the current size: the kernel records the high-water mark
        // lazily, so memory returned between two reads can leave a later peak below an earlier current size.
        Assert.InRange(meter.PeakRssBytes(), 10L << 20, 64L << 30);
    }
}
