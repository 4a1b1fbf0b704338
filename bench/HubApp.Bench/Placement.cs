using System.Text.Json.Serialization;

namespace HubApp.Bench;

/// <summary>Which node of a deployment each connection of the load generator goes to.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Placement>))]
internal enum Placement
{
    /// <summary>Connection k on node k mod N: what the engines bench has always done.</summary>
    Turn,

    /// <summary>Each connection on a node drawn at random (seeded), as a load balancer would place it.</summary>
    Random,

    /// <summary>Every member of room r on node r mod N: no message needs more than one node.</summary>
    Room,

    /// <summary>Every connection on the first node: the others hold nothing.</summary>
    First,
}

/// <summary>Where connections go, and how many nodes a message must reach because of it.</summary>
internal static class Placements
{
    /// <summary>
    /// The node (0-based, of <paramref name="nodes"/>) of connection number <paramref name="index"/> overall, a member
    /// of group <paramref name="group"/> (a room, or a user of the direct workload).
    /// </summary>
    public static int NodeOf(Placement placement, int index, int group, int nodes, Random random) => placement switch
    {
        _ when nodes <= 1 => 0,
        Placement.Random => random.Next(nodes),
        Placement.Room => group % nodes,
        Placement.First => 0,
        _ => index % nodes,
    };

    /// <summary>The nodes of every connection, room by room (<paramref name="perGroup"/> connections per group), from one seeded draw.</summary>
    public static int[] Assign(Placement placement, int groups, int perGroup, int nodes, int seed)
    {
        var random = new Random(seed);
        var assigned = new int[groups * perGroup];
        for (var i = 0; i < assigned.Length; i++)
        {
            assigned[i] = NodeOf(placement, i, i / perGroup, nodes, random);
        }

        return assigned;
    }

    /// <summary>How many distinct nodes hold these connections: the least nodes a message to all of them must reach.</summary>
    public static int DistinctNodes(ReadOnlySpan<int> nodesOfConnections)
    {
        // Node numbers are small (a handful of nodes): a bit per node.
        ulong seen = 0;
        var count = 0;
        foreach (var node in nodesOfConnections)
        {
            var bit = 1UL << (node & 63);
            if ((seen & bit) == 0)
            {
                seen |= bit;
                count++;
            }
        }

        return count;
    }
}

/// <summary>
/// The average over messages of the nodes each one had to reach (see <see cref="Placements.DistinctNodes"/>): only
/// the messages acknowledged while the measurement window was open count. Safe to add to from any thread.
/// </summary>
internal sealed class NodeSpread
{
    private long _messages;
    private long _nodes;

    public long Messages => Volatile.Read(ref _messages);

    /// <summary>NaN before any message.</summary>
    public double Average => Messages == 0 ? double.NaN : (double)Volatile.Read(ref _nodes) / Messages;

    public void Add(int nodes)
    {
        Interlocked.Add(ref _nodes, nodes);
        Interlocked.Increment(ref _messages);
    }
}

/// <summary>Lost and duplicated deliveries, counted per connection: what it should have received against what it did.</summary>
internal static class DeliveryTally
{
    /// <summary>
    /// Sums, over connections, what each is short of (lost) and what it got beyond (duplicated) its expected count. A
    /// connection's surplus never hides another's shortfall, as it would in one total.
    /// </summary>
    public static (long Lost, long Duplicated) Of(IEnumerable<(long Expected, long Received)> connections)
    {
        long lost = 0, duplicated = 0;
        foreach (var (expected, received) in connections)
        {
            lost += Math.Max(0, expected - received);
            duplicated += Math.Max(0, received - expected);
        }

        return (lost, duplicated);
    }
}
