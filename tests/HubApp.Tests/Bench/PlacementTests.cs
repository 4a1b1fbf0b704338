using System.Diagnostics;
using HubApp.Bench;

namespace HubApp.Tests.Bench;

/// <summary>The cluster benchmark's pure parts: where connections go, how many nodes a message needs, loss per connection.</summary>
public sealed class PlacementTests
{
    [Fact]
    public void RoomPlacementPutsEveryMemberOfARoomOnOneNodeAndTheRoomsInTurn()
    {
        var nodes = Placements.Assign(Placement.Room, groups: 7, perGroup: 5, nodes: 3, seed: 1);

        Assert.Equal(35, nodes.Length);
        for (var room = 0; room < 7; room++)
        {
            Assert.All(nodes.AsSpan(room * 5, 5).ToArray(), n => Assert.Equal(room % 3, n));
        }
    }

    [Fact]
    public void FirstPlacementLeavesTheOtherNodesEmptyAndTurnPlacementCyclesConnectionByConnection()
    {
        Assert.All(Placements.Assign(Placement.First, 10, 5, 3, seed: 1), n => Assert.Equal(0, n));
        Assert.Equal([0, 1, 2, 0, 1, 2, 0], Placements.Assign(Placement.Turn, 7, 1, 3, seed: 1));
    }

    [Fact]
    public void RandomPlacementReachesEveryNodeAndDrawsTheSameLayoutForTheSameSeed()
    {
        var once = Placements.Assign(Placement.Random, 200, 5, 3, seed: 25);
        var again = Placements.Assign(Placement.Random, 200, 5, 3, seed: 25);

        Assert.Equal(once, again);
        Assert.Equal([0, 1, 2], once.Distinct().Order());
        // Not the room layout: some room has members on more than one node.
        Assert.Contains(Enumerable.Range(0, 200), room => Placements.DistinctNodes(once.AsSpan(room * 5, 5)) > 1);
    }

    [Fact]
    public void OneNodeTakesEveryConnectionWhateverThePlacement()
    {
        foreach (var placement in Enum.GetValues<Placement>())
        {
            Assert.All(Placements.Assign(placement, 20, 5, 1, seed: 3), n => Assert.Equal(0, n));
        }
    }

    [Fact]
    public void DistinctNodesCountsEachNodeOnce()
    {
        Assert.Equal(1, Placements.DistinctNodes([2, 2, 2]));
        Assert.Equal(3, Placements.DistinctNodes([0, 2, 1, 2, 0]));
        Assert.Equal(0, Placements.DistinctNodes([]));
    }

    [Fact]
    public void NodesPerMessageIsTheAverageOverMessages()
    {
        var spread = new NodeSpread();
        Assert.True(double.IsNaN(spread.Average));

        spread.Add(1);
        spread.Add(3);
        spread.Add(2);
        spread.Add(2);

        Assert.Equal(4, spread.Messages);
        Assert.Equal(2.0, spread.Average);
    }

    [Fact]
    public void ADuplicateOnOneConnectionDoesNotHideALossOnAnother()
    {
        var (lost, duplicated) = DeliveryTally.Of([(10, 10), (10, 8), (10, 12), (5, 6)]);

        Assert.Equal(2, lost);
        Assert.Equal(3, duplicated);
    }

    [Fact]
    public void ADirectMessageGoesToAnotherUserAndEveryOtherUserCanBeDrawn()
    {
        var random = new Random(1);
        var drawn = new HashSet<int>();
        for (var i = 0; i < 1000; i++)
        {
            var recipient = DirectWorkload.PickRecipient(sender: 2, users: 5, random);
            Assert.NotEqual(2, recipient);
            Assert.InRange(recipient, 0, 4);
            drawn.Add(recipient);
        }

        Assert.Equal([0, 1, 3, 4], drawn.Order());
    }

    [Fact]
    public void BackendsAreNamedProcessListsAndAMalformedOneIsRefused()
    {
        var pid = Environment.ProcessId;

        var backends = BenchCommand.ParseBackends([$"postgres={pid}", $"redis={pid},{pid}"]);

        Assert.Equal(["postgres", "redis"], backends.Keys.Order());
        Assert.True(backends["postgres"].CpuSeconds() > 0);
        Assert.True(backends["redis"].CpuSeconds() > 0); // a process given twice is counted once: no error
        Assert.Throws<ArgumentException>(() => BenchCommand.ParseBackends(["postgres"]));
        Assert.Throws<ArgumentException>(() => BenchCommand.ParseBackends(["=1"]));
        Assert.Throws<ArgumentException>(() => BenchCommand.ParseBackends(["redis=12x"]));
    }

    [Fact]
    public void AProcessTreeMeterCountsTheCpuOfChildrenThatHaveExited()
    {
        var own = new ProcessMeter(Environment.ProcessId);
        var tree = ProcessMeter.Tree(Environment.ProcessId);
        var before = tree.CpuSeconds() - own.CpuSeconds();

        // A child that spends CPU and exits (reaped by the runtime): its time moves into this process's reaped figure.
        using var child = Process.Start(new ProcessStartInfo("sh", ["-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done"]))!;
        child.WaitForExit(60_000);
        Assert.True(child.HasExited);

        var after = tree.CpuSeconds() - own.CpuSeconds();
        Assert.True(after - before >= 0.05, $"children's CPU {before:F2} s before, {after:F2} s after");
    }
}
