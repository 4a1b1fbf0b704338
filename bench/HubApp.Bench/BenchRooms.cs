using System.Diagnostics;

namespace HubApp.Bench;

/// <summary>
/// R rooms × M members, connected and joined; the first member of each room is its sender. Every member counts what
/// it receives, and what it receives while the <see cref="MeasurementWindow"/> is open with how long after its send
/// each stamped delivery arrived.
/// </summary>
/// <remarks>
/// Senders and receivers live in this process, so the send time travels in the text itself and is read against the
/// same Stopwatch. Each connection reports its deliveries one at a time (both clients' contract), so the per-member
/// counters need no locks; they are summed by other threads only between phases or as an estimate.
/// </remarks>
internal sealed class BenchRooms : IAsyncDisposable
{
    private readonly RoomMember[] _members;
    private readonly int[] _nodesOfRoom;

    private BenchRooms(RoomMember[] members, int perRoom, MeasurementWindow window)
    {
        _members = members;
        Window = window;
        PerRoom = perRoom;
        Senders = [.. members.Where((_, i) => i % perRoom == 0)];
        _nodesOfRoom = [.. members.Chunk(perRoom).Select(room => Placements.DistinctNodes([.. room.Select(m => m.Node)]))];
    }

    public IReadOnlyList<RoomMember> Members => _members;

    public IReadOnlyList<RoomMember> Senders { get; }

    public int PerRoom { get; }

    public MeasurementWindow Window { get; }

    public long Received => _members.Sum(m => m.Received);

    public long InWindow => _members.Sum(m => m.InWindow);

    /// <summary>The nodes that hold a member of room <paramref name="room"/> (by number): the least a message to it must reach.</summary>
    public int NodesOfRoom(int room) => _nodesOfRoom[room];

    /// <summary>
    /// Connects and joins every member (16 at a time), each on the node <paramref name="placement"/> gives it; on
    /// failure the ones connected are closed again. Rooms are <c>bench-{tag}room-{r}</c>, users <c>bench-{tag}{r}-{i}</c>;
    /// with <paramref name="join"/> false nobody joins (members of a room are then just users).
    /// </summary>
    public static async Task<BenchRooms> ConnectAsync(
        BenchTarget target, int rooms, int members, TextWriter progress, CancellationToken cancellationToken, Placement placement = Placement.Turn, string tag = "", bool join = true)
    {
        var started = Stopwatch.StartNew();
        var window = new MeasurementWindow();
        var connected = new RoomMember[rooms * members];
        var nodes = Placements.Assign(placement, rooms, members, target.Nodes, PlacementSeed);
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, connected.Length), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                var (room, index) = (i / members, i % members);
                var member = new RoomMember($"bench-{tag}room-{room}", window) { UserName = $"bench-{tag}{room}-{index}", RoomIndex = room, Node = nodes[i] };
                member.Client = await target.ConnectAsync(member.UserName, member.OnDelivery, ct, member.Node);
                connected[i] = member;
                if (join)
                {
                    await member.Client.JoinRoomAsync(member.Room, ct);
                }
            });
        }
        catch
        {
            await CloseAsync(connected);
            throw;
        }

        var result = new BenchRooms(connected, members, window);
        await progress.WriteLineAsync($"  {target.Name}: {connected.Length} clients connected{(join ? " and joined" : string.Empty)} in {started.Elapsed.TotalSeconds:F1} s ({Describe(placement, target.Nodes, nodes)})");
        return result;
    }

    /// <summary>The same draw in every run, so that two runs of a placement compare the same layout.</summary>
    public const int PlacementSeed = 25;

    private static string Describe(Placement placement, int nodes, int[] assigned) =>
        $"{placement.ToString().ToLowerInvariant()} placement over {nodes} node(s): " + string.Join(" / ", Enumerable.Range(0, nodes).Select(n => assigned.Count(a => a == n)));

    /// <summary>Waits (at most 10 s) until the members have received <paramref name="expected"/> deliveries in all.</summary>
    public async Task DrainAsync(long expected, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        while (Received < expected && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(100, cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => new(CloseAsync(_members));

    private static Task CloseAsync(RoomMember?[] members) =>
        Parallel.ForEachAsync(members, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (m, _) =>
        {
            if (m?.Client is { } client)
            {
                await client.DisposeAsync();
            }
        });
}

/// <summary>One connection of <see cref="BenchRooms"/>: its room, and what it received.</summary>
internal sealed class RoomMember(string room, MeasurementWindow window)
{
    public IBenchConnection? Client { get; set; }

    public string Room { get; } = room;

    public string UserName { get; init; } = string.Empty;

    /// <summary>The user id the host gives <see cref="UserName"/> (the development issuer's: the name in lower case).</summary>
    public string UserId => UserName.ToLowerInvariant();

    public int RoomIndex { get; init; }

    /// <summary>The node (0-based) this connection is on.</summary>
    public int Node { get; init; }

    public long Received { get; private set; }

    /// <summary>Deliveries while the window was open, stamped or not (a reaction's entry carries no stamp).</summary>
    public long InWindow { get; private set; }

    /// <summary>Send-to-delivery times (Stopwatch ticks) of the stamped deliveries while the window was open.</summary>
    public List<long> Latencies { get; } = new(4096);

    public void OnDelivery(long sent)
    {
        var now = Stopwatch.GetTimestamp();
        Received++;
        if (window.IsOpen)
        {
            InWindow++;
            if (sent >= 0)
            {
                Latencies.Add(now - sent);
            }
        }
    }
}

/// <summary>The measured part of a run (or of a phase), after warm-up and before the drain; it may open again.</summary>
internal sealed class MeasurementWindow
{
    private long _opened;
    private long _closed;

    public bool IsOpen => Volatile.Read(ref _opened) != 0 && Volatile.Read(ref _closed) == 0;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_opened, _closed == 0 ? Stopwatch.GetTimestamp() : _closed);

    public void Open()
    {
        Volatile.Write(ref _opened, Stopwatch.GetTimestamp());
        Volatile.Write(ref _closed, 0);
    }

    public void Close() => Volatile.Write(ref _closed, Stopwatch.GetTimestamp());

    /// <summary>
    /// Open for <paramref name="duration"/>, calling <paramref name="tick"/> every quarter second (for progress); then
    /// closed: the wall-seconds, the cores each side used and the server's CPU-seconds over that time, in all and per
    /// process (node), and those of each of <paramref name="backends"/>.
    /// </summary>
    public async Task<Measured> MeasureAsync(ProcessMeter? server, Pinning pinning, TimeSpan duration, Func<Task> tick, CancellationToken cancellationToken, IReadOnlyDictionary<string, ProcessMeter>? backends = null)
    {
        backends ??= new Dictionary<string, ProcessMeter>();
        var cpu = CpuUse.Start(server, pinning);
        var serverCpu = server?.CpuSecondsEach();
        var backendCpu = backends.ToDictionary(b => b.Key, b => b.Value.CpuSeconds());
        Open();
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            await Task.Delay(duration < Tick ? duration : Tick, cancellationToken);
            await tick();
        }

        Close();
        double[] nodes = server is null ? [] : [.. server.CpuSecondsEach().Zip(serverCpu!, (now, then) => now - then)];
        return new Measured(Elapsed.TotalSeconds, cpu(), server is null ? double.NaN : nodes.Sum())
        {
            NodeCpuSeconds = nodes,
            BackendCpuSeconds = backends.ToDictionary(b => b.Key, b => b.Value.CpuSeconds() - backendCpu[b.Key]),
        };
    }

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
}

/// <summary>What <see cref="MeasurementWindow.MeasureAsync"/> measured.</summary>
internal sealed record Measured(double Seconds, CpuUse Cpu, double ServerCpuSeconds)
{
    /// <summary>The server's CPU-seconds process by process (node by node), in the order of its meter.</summary>
    public IReadOnlyList<double> NodeCpuSeconds { get; init; } = [];

    public IReadOnlyDictionary<string, double> BackendCpuSeconds { get; init; } = new Dictionary<string, double>();
}
