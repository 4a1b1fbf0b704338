using System.Diagnostics;

namespace HubApp.Bench;

/// <summary>
/// R rooms × M members (<see cref="BenchRooms"/>); one member per room sends 64-character texts, keeping a window of
/// sends outstanding (or pacing them to an offered rate); every member counts what it receives and how long after the
/// send it arrived. A delivery is one message reaching one member.
/// </summary>
internal sealed class FanOutWorkload(BenchTarget target, FanOutSettings settings, TextWriter progress, Pinning? pinning = null)
{
    public async Task<FanOutResult> RunAsync(CancellationToken cancellationToken)
    {
        await using var rooms = await BenchRooms.ConnectAsync(target, settings.Rooms, settings.Members, progress, cancellationToken, settings.Placement, settings.Tag);
        return await MeasureAsync(rooms, cancellationToken);
    }

    private async Task<FanOutResult> MeasureAsync(BenchRooms rooms, CancellationToken cancellationToken)
    {
        var senders = rooms.Senders.Select(m => new Sender(m)).ToArray();
        var spread = new NodeSpread();
        var interval = SendWindow.Interval(settings.OfferedRate, settings.Rooms, settings.Members);
        var run = await DeliveryRun.MeasureAsync(
            target,
            settings,
            rooms,
            pinning,
            progress,
            stop => senders.Select((s, i) => Task.Run(() => SendWindow.RunAsync(() => SendOneAsync(s, rooms, spread), settings.Window, interval, stop, SendWindow.Phase(i, senders.Length, interval)), CancellationToken.None)),
            () => senders.Sum(s => s.Acked) * settings.Members,
            cancellationToken);
        return run.Result(
            rooms.Members.Select(m => (senders[m.RoomIndex].Acked, m.Received)),
            senders.Sum(s => s.Errors),
            spread);
    }

    private static async Task SendOneAsync(Sender sender, BenchRooms rooms, NodeSpread spread)
    {
        try
        {
            await sender.Member.Client!.SendStampedAsync(sender.Member.Room, Stopwatch.GetTimestamp());
            Interlocked.Increment(ref sender.Acked);
            if (rooms.Window.IsOpen)
            {
                spread.Add(rooms.NodesOfRoom(sender.Member.RoomIndex));
            }
        }
        catch (Exception ex) when (ex is HubApp.Client.ChatException or InvalidOperationException or OperationCanceledException)
        {
            Interlocked.Increment(ref sender.Errors);
        }
    }

    private sealed class Sender(RoomMember member)
    {
        public long Acked;
        public long Errors;

        public RoomMember Member { get; } = member;
    }
}

/// <summary>
/// What a fan-out or direct-message run is given. <see cref="Placement"/> puts connections on the target's nodes;
/// <see cref="Tag"/> goes into room and user names, so that runs against the same nodes use rooms and users of their own.
/// </summary>
internal sealed record FanOutSettings(int Rooms, int Members, int Window, TimeSpan Warmup, TimeSpan Duration, double? OfferedRate)
{
    public Placement Placement { get; init; } = Placement.Turn;

    public string Tag { get; init; } = string.Empty;

    /// <summary>The direct workload: <see cref="Rooms"/> users (one connection each), <see cref="Members"/> 1.</summary>
    public bool Direct { get; init; }
}

internal sealed record FanOutResult(
    string Target,
    FanOutSettings Settings,
    double DeliveriesPerSecond,
    LatencySummary Latency,
    long Lost,
    long SendErrors,
    double ServerCpuSecondsPer100k,
    double ServerPeakRssMb,
    CpuUse Cpu)
{
    public double ServerCores => Cpu.ServerCores;

    public double ClientCores => Cpu.ClientCores;

    /// <summary>The load generator's CPU per delivery: how many deliveries a second one of its cores could drive.</summary>
    public double ClientCpuMicrosecondsPerDelivery => Cpu.ClientCores / DeliveriesPerSecond * 1_000_000;

    /// <summary>Deliveries a connection received beyond what was sent to it (counted per connection, as <see cref="Lost"/> is).</summary>
    public long Duplicated { get; init; }

    /// <summary>Senders with a send still unanswered 30 s after the window closed (their messages are in neither count).</summary>
    public int UnansweredSenders { get; init; }

    public int Nodes { get; init; } = 1;

    /// <summary>The average over the messages acknowledged in the window of the nodes that held a member of the room (a party of the direct message).</summary>
    public double NodesPerMessage { get; init; } = double.NaN;

    /// <summary>Each node's CPU-seconds per 100k deliveries (of all the deployment's), in the order the nodes were given.</summary>
    public IReadOnlyList<double> NodeCpuSecondsPer100k { get; init; } = [];

    /// <summary>The store's and the bus's CPU-seconds per 100k deliveries, by the names they were given.</summary>
    public IReadOnlyDictionary<string, double> BackendCpuSecondsPer100k { get; init; } = new Dictionary<string, double>();
}

/// <summary>
/// The part the fan-out and the direct workload share: senders run through warm-up and the measurement window,
/// are stopped, their deliveries drained; then the figures, with loss and duplicates counted per connection.
/// </summary>
internal sealed class DeliveryRun
{
    private readonly BenchTarget _target;
    private readonly FanOutSettings _settings;
    private readonly BenchRooms _connections;
    private readonly Measured _measured;
    private readonly long _peakRss;
    private readonly int _unanswered;

    private DeliveryRun(BenchTarget target, FanOutSettings settings, BenchRooms connections, Measured measured, long peakRss, int unanswered)
    {
        _unanswered = unanswered;
        _target = target;
        _settings = settings;
        _connections = connections;
        _measured = measured;
        _peakRss = peakRss;
    }

    /// <param name="start">Starts the senders, which run until the token is cancelled.</param>
    /// <param name="expected">Deliveries expected in all, read after the senders stopped (the drain waits for them).</param>
    public static async Task<DeliveryRun> MeasureAsync(
        BenchTarget target, FanOutSettings settings, BenchRooms connections, Pinning? pinning, TextWriter progress, Func<CancellationToken, IEnumerable<Task>> start, Func<long> expected, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var window = connections.Window;
        var sending = start(stop.Token).ToArray();
        await Task.Delay(settings.Warmup, cancellationToken);
        var peakRss = 0L;
        var measured = await window.MeasureAsync(target.Process, pinning ?? Pinning.None, settings.Duration, async () =>
        {
            peakRss = Math.Max(peakRss, target.Process?.RssBytes() ?? 0);
            await progress.WriteAsync($"\r  {target.Name}: {connections.InWindow / window.Elapsed.TotalSeconds,12:N0} deliveries/s over {window.Elapsed.TotalSeconds,4:F0} s   ");
        }, cancellationToken, target.Backends);
        await progress.WriteLineAsync();
        await stop.CancelAsync();
        try
        {
            await Task.WhenAll(sending).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        }
        catch (TimeoutException)
        {
            // An overloaded deployment: the window's figures stand, the senders still waiting are reported.
            await progress.WriteLineAsync($"  {target.Name}: {sending.Count(t => !t.IsCompleted)} sender(s) still waiting for an answer 30 s after the window");
        }

        await connections.DrainAsync(expected(), cancellationToken);
        return new DeliveryRun(target, settings, connections, measured, peakRss, sending.Count(t => !t.IsCompleted));
    }

    /// <param name="perConnection">Each connection's expected and received deliveries over the whole run.</param>
    public FanOutResult Result(IEnumerable<(long Expected, long Received)> perConnection, long sendErrors, NodeSpread spread)
    {
        var delivered = _connections.InWindow;
        var latencies = new List<long>(_connections.Members.Sum(m => m.Latencies.Count));
        foreach (var member in _connections.Members)
        {
            latencies.AddRange(member.Latencies);
        }

        double Per100k(double cpuSeconds) => delivered == 0 ? double.NaN : cpuSeconds / delivered * 100_000;
        var (lost, duplicated) = DeliveryTally.Of(perConnection);
        return new FanOutResult(
            _target.Name,
            _settings,
            DeliveriesPerSecond: delivered / _measured.Seconds,
            Latency: Percentiles.Summarize(latencies),
            Lost: lost,
            SendErrors: sendErrors,
            ServerCpuSecondsPer100k: Per100k(_measured.ServerCpuSeconds),
            ServerPeakRssMb: _target.Process is null ? double.NaN : _peakRss / 1048576.0,
            Cpu: _measured.Cpu)
        {
            Duplicated = duplicated,
            UnansweredSenders = _unanswered,
            Nodes = _target.Nodes,
            NodesPerMessage = spread.Average,
            NodeCpuSecondsPer100k = [.. _measured.NodeCpuSeconds.Select(Per100k)],
            BackendCpuSecondsPer100k = _measured.BackendCpuSeconds.ToDictionary(b => b.Key, b => Per100k(b.Value)),
        };
    }
}
