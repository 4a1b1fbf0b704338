using HubApp.Bench;

namespace HubApp.Tests.Bench;

/// <summary>Which side of a bench figure ran out of CPU, from each side's CPU-seconds per wall-second.</summary>
public sealed class CpuUseTests
{
    [Theory]
    [InlineData(0.97, 0.40, "Server")]
    [InlineData(0.50, 0.95, "LoadGenerator")]
    [InlineData(0.92, 0.99, "Both")]
    [InlineData(0.60, 0.30, "Neither")]
    [InlineData(0.89, 0.89, "Neither")]
    public void PinnedToOneCpuEachASideRanOutNearOneCore(double server, double client, string bound) =>
        Assert.Equal(Enum.Parse<CpuBound>(bound), new CpuUse(server, client, 1, 1, Pinned: true, WallSeconds: 5).Bound);

    [Theory]
    [InlineData(0.70, 1.85, "LoadGenerator")]
    [InlineData(1.20, 0.70, "SharedCores")]
    [InlineData(0.50, 0.50, "Neither")]
    public void UnpinnedOnlyTheSharedCoresCanBeSaidToHaveRunOut(double server, double client, string bound) =>
        Assert.Equal(Enum.Parse<CpuBound>(bound), new CpuUse(server, client, 2, 2, Pinned: false, WallSeconds: 5).Bound);

    [Fact]
    public void APinnedCpuBusyWithOtherProcessesIsToldApartFromWaiting()
    {
        var starved = new CpuUse(0.30, 0.20, 1, 1, Pinned: true, WallSeconds: 5, ServerCpuBusy: 0.99, ClientCpuBusy: 0.40);
        var waiting = new CpuUse(0.30, 0.20, 1, 1, Pinned: true, WallSeconds: 5, ServerCpuBusy: 0.35, ClientCpuBusy: 0.25);

        Assert.Equal(CpuBound.OtherWork, starved.Bound);
        Assert.Equal("srv 0.30/0.99 gen 0.20/0.40: others' work", starved.Describe());
        Assert.Equal(CpuBound.Neither, waiting.Bound);
    }

    [Fact]
    public void TheMachinesCpusAreReadBusyTimeByCpu()
    {
        var busy = ProcessMeter.BusyCpuSeconds();

        Assert.True(busy.Length >= Environment.ProcessorCount); // every CPU, not only those this process may use
        Assert.All(busy, b => Assert.True(b > 0));
    }

    [Fact]
    public void AServerNotMeasuredIsNeverTheSideThatRanOut() =>
        Assert.Equal(CpuBound.Neither, new CpuUse(double.NaN, 0.2, 1, 1, Pinned: true, WallSeconds: 5).Bound);

    [Fact]
    public void AWindowShorterThanTheKernelsAccountingCanTellSaysSo() =>
        Assert.Equal(CpuBound.TooShort, new CpuUse(1.0, 1.0, 1, 1, Pinned: true, WallSeconds: 0.2).Bound);

    [Fact]
    public void TheTableCellGivesBothSidesAndTheVerdict() =>
        Assert.Equal("srv 0.97 gen 0.40: server", new CpuUse(0.97, 0.40, 1, 1, Pinned: true, WallSeconds: 5).Describe());

    [Fact]
    public void PinnedServersStartUnderTasksetOnTheirCpu()
    {
        var (fileName, arguments) = new Pinning(0, 1).ServerCommand("dotnet", ["HubApp.dll"]);
        var (plainName, plainArguments) = Pinning.None.ServerCommand("dotnet", ["HubApp.dll"]);

        Assert.Equal("taskset", fileName);
        Assert.Equal(["-c", "0", "dotnet", "HubApp.dll"], arguments);
        Assert.Equal("dotnet", plainName);
        Assert.Equal(["HubApp.dll"], plainArguments);
    }

    [Fact]
    public void SpansCombineWeightedByTheirWallTime()
    {
        var combined = CpuUse.Combine([new CpuUse(1.0, 0.2, 1, 1, Pinned: true, WallSeconds: 1, 1.0, 0.3), new CpuUse(0.5, 0.5, 1, 1, Pinned: true, WallSeconds: 3, 0.6, 0.5)]);

        Assert.Equal(4, combined.WallSeconds);
        Assert.Equal(0.625, combined.ServerCores, precision: 6);
        Assert.Equal(0.425, combined.ClientCores, precision: 6);
        Assert.Equal(0.7, combined.ServerCpuBusy, precision: 6);
        Assert.Equal(0.45, combined.ClientCpuBusy, precision: 6);
        Assert.True(combined.Pinned);
    }
}
