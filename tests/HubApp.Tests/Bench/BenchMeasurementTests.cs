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
