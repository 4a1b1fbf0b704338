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
        await using var rooms = await BenchRooms.ConnectAsync(target, settings.Rooms, settings.Members, progress, cancellationToken);
        return await MeasureAsync(rooms, cancellationToken);
    }

    private async Task<FanOutResult> MeasureAsync(BenchRooms rooms, CancellationToken cancellationToken)
    {
        var senders = rooms.Senders.Select(m => new Sender(m)).ToArray();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var window = rooms.Window;
        var interval = SendWindow.Interval(settings.OfferedRate, settings.Rooms, settings.Members);
        var sending = senders.Select(s => Task.Run(() => SendWindow.RunAsync(() => SendOneAsync(s), settings.Window, interval, stop.Token), CancellationToken.None)).ToArray();

        await Task.Delay(settings.Warmup, cancellationToken);
        var peakRss = 0L;
        var measured = await window.MeasureAsync(target.Process, pinning ?? Pinning.None, settings.Duration, async () =>
        {
            peakRss = Math.Max(peakRss, target.Process?.RssBytes() ?? 0);
            await progress.WriteAsync($"\r  {target.Name}: {rooms.InWindow / window.Elapsed.TotalSeconds,12:N0} deliveries/s over {window.Elapsed.TotalSeconds,4:F0} s   ");
        }, cancellationToken);
        await progress.WriteLineAsync();
        await stop.CancelAsync();
        await Task.WhenAll(sending).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);

        var acked = senders.Sum(s => s.Acked);
        var expected = acked * settings.Members;
        await rooms.DrainAsync(expected, cancellationToken);
        var delivered = rooms.InWindow;
        var latencies = new List<long>(rooms.Members.Sum(m => m.Latencies.Count));
        foreach (var member in rooms.Members)
        {
            latencies.AddRange(member.Latencies);
        }

        return new FanOutResult(
            target.Name,
            settings,
            DeliveriesPerSecond: delivered / measured.Seconds,
            Latency: Percentiles.Summarize(latencies),
            Lost: expected - rooms.Received,
            SendErrors: senders.Sum(s => s.Errors),
            ServerCpuSecondsPer100k: delivered == 0 ? double.NaN : measured.ServerCpuSeconds / delivered * 100_000,
            ServerPeakRssMb: target.Process is null ? double.NaN : peakRss / 1048576.0,
            Cpu: measured.Cpu);
    }

    private static async Task SendOneAsync(Sender sender)
    {
        try
        {
            await sender.Member.Client!.SendStampedAsync(sender.Member.Room, Stopwatch.GetTimestamp());
            Interlocked.Increment(ref sender.Acked);
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
