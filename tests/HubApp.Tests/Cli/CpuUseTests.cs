using HubApp.Cli.Bench;

namespace HubApp.Tests.Cli;

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
}
