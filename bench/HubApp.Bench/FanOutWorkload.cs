using System.Diagnostics;

namespace HubApp.Bench;

/// <summary>
/// R rooms × M members; one member per room sends 64-character texts, keeping a window of sends
/// outstanding (or pacing them to an offered rate); every member counts what it receives and how long
/// after the send it arrived. A delivery is one message reaching one member.
/// </summary>
/// <remarks>
/// Senders and receivers live in this process, so the send time travels in the text itself and is read
/// against the same Stopwatch. Each connection reports its deliveries one at a time (both clients' contract),
/// so the per-member recorders need no locks until they are merged after the run.
/// </remarks>
internal sealed class FanOutWorkload(BenchTarget target, FanOutSettings settings, TextWriter progress, Pinning? pinning = null)
{
    private readonly MeasurementWindow _window = new();

    public async Task<FanOutResult> RunAsync(CancellationToken cancellationToken)
    {
        var members = new List<Member>(settings.Rooms * settings.Members);
        try
        {
            await ConnectAsync(members, cancellationToken);
            return await MeasureAsync(members, cancellationToken);
        }
        finally
        {
            await Parallel.ForEachAsync(members, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (m, _) => await m.Client!.DisposeAsync());
        }
    }

    private async Task ConnectAsync(List<Member> members, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        var all = Enumerable.Range(0, settings.Rooms).SelectMany(r => Enumerable.Range(0, settings.Members).Select(m => (Room: r, Index: m))).ToArray();
        var connected = new Member[all.Length];
        await Parallel.ForEachAsync(Enumerable.Range(0, all.Length), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var (room, index) = all[i];
            var member = new Member($"bench-room-{room}", _window);
            member.Client = await target.ConnectAsync($"bench-{room}-{index}", member.OnDelivery, ct);
            await member.Client.JoinRoomAsync(member.Room, ct);
            connected[i] = member;
        });
        members.AddRange(connected);
        await progress.WriteLineAsync($"  {target.Name}: {members.Count} clients connected and joined in {started.Elapsed.TotalSeconds:F1} s");
    }

    private async Task<FanOutResult> MeasureAsync(List<Member> members, CancellationToken cancellationToken)
    {
        var senders = members.Where((_, i) => i % settings.Members == 0).ToArray();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var window = _window;
        var sending = senders.Select(s => Task.Run(() => SendAsync(s, stop.Token), CancellationToken.None)).ToArray();

        await Task.Delay(settings.Warmup, cancellationToken);
        var cpu = CpuUse.Start(target.Process, pinning ?? Pinning.None);
        var serverCpu = target.Process?.CpuSeconds();
        var peakRss = 0L;
        window.Open();
        var end = Stopwatch.GetTimestamp() + (long)(settings.Duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            peakRss = Math.Max(peakRss, target.Process?.RssBytes() ?? 0);
            await progress.WriteAsync($"\r  {target.Name}: {members.Sum(m => m.InWindow) / window.Elapsed.TotalSeconds,12:N0} deliveries/s over {window.Elapsed.TotalSeconds,4:F0} s   ");
        }

        window.Close();
        var seconds = window.Elapsed.TotalSeconds;
        var cpuUse = cpu();
        var serverSeconds = target.Process is { } process ? process.CpuSeconds() - serverCpu!.Value : double.NaN;
        await progress.WriteLineAsync();
        await stop.CancelAsync();
        await Task.WhenAll(sending).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);

        var acked = senders.Sum(s => s.Acked);
        var expected = acked * settings.Members;
        await DrainAsync(members, expected, cancellationToken);
        var delivered = members.Sum(m => m.InWindow);
        var latencies = new List<long>(members.Sum(m => m.Latencies.Count));
        foreach (var member in members)
        {
            latencies.AddRange(member.Latencies);
        }

        return new FanOutResult(
            target.Name,
            settings,
            DeliveriesPerSecond: delivered / seconds,
            Latency: Percentiles.Summarize(latencies),
            Lost: expected - members.Sum(m => m.Received),
            SendErrors: senders.Sum(s => s.Errors),
            ServerCpuSecondsPer100k: delivered == 0 ? double.NaN : serverSeconds / delivered * 100_000,
            ServerPeakRssMb: target.Process is null ? double.NaN : peakRss / 1048576.0,
            Cpu: cpuUse);
    }

    private async Task SendAsync(Member sender, CancellationToken stop)
    {
        var outstanding = new List<Task>(settings.Window);
        // Paced mode: messages per second per room for the offered deliveries per second.
        var interval = settings.OfferedRate is { } rate ? TimeSpan.FromSeconds(settings.Rooms * settings.Members / rate) : TimeSpan.Zero;
        var next = Stopwatch.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            if (interval > TimeSpan.Zero)
            {
                next += (long)(interval.TotalSeconds * Stopwatch.Frequency);
                var wait = next - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), stop);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }

            outstanding.Add(SendOneAsync(sender));
            if (outstanding.Count >= settings.Window)
            {
                outstanding.Remove(await Task.WhenAny(outstanding));
            }
        }

        await Task.WhenAll(outstanding);
    }

    private static async Task SendOneAsync(Member sender)
    {
        try
        {
            await sender.Client!.SendStampedAsync(sender.Room, Stopwatch.GetTimestamp());
            Interlocked.Increment(ref sender.Acked);
        }
        catch (Exception ex) when (ex is HubApp.Client.ChatException or InvalidOperationException or OperationCanceledException)
        {
            Interlocked.Increment(ref sender.Errors);
        }
    }

    private static async Task DrainAsync(List<Member> members, long expected, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        while (members.Sum(m => m.Received) < expected && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(100, cancellationToken);
        }
    }

    private sealed class Member(string room, MeasurementWindow window)
    {
        public long Acked;
        public long Errors;

        public IBenchConnection? Client { get; set; }

        public string Room { get; } = room;

        public long Received { get; private set; }

        public long InWindow { get; private set; }

        public List<long> Latencies { get; } = new(4096);

        public void OnDelivery(long sent)
        {
            var now = Stopwatch.GetTimestamp();
            Received++;
            if (window.IsOpen && sent >= 0)
            {
                InWindow++;
                Latencies.Add(now - sent);
            }
        }
    }

    /// <summary>The measured part of the run, after warm-up and before the drain.</summary>
    private sealed class MeasurementWindow
    {
        private long _opened;
        private long _closed;

        public bool IsOpen => Volatile.Read(ref _opened) != 0 && Volatile.Read(ref _closed) == 0;

        public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_opened, _closed == 0 ? Stopwatch.GetTimestamp() : _closed);

        public void Open() => Volatile.Write(ref _opened, Stopwatch.GetTimestamp());

        public void Close() => Volatile.Write(ref _closed, Stopwatch.GetTimestamp());
    }
}

internal sealed record FanOutSettings(int Rooms, int Members, int Window, TimeSpan Warmup, TimeSpan Duration, double? OfferedRate);

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
}
