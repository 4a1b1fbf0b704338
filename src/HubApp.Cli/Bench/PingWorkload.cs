using System.Diagnostics;

namespace HubApp.Cli.Bench;

/// <summary>
/// Sequential round trips on one connection: <c>Ping</c> (the hub's own method: transport and dispatch), and the
/// chat round trip of one client alone in a room (send, then receive its own delivery: the store's commit included).
/// </summary>
internal static class PingWorkload
{
    public const string SoloRoom = "bench-solo";

    public static async Task<LatencySummary> RunAsync(BenchTarget target, int count, CancellationToken cancellationToken)
    {
        await using var client = await target.ConnectAsync("bench-ping", null, cancellationToken);
        for (var i = 0; i < Math.Min(100, count); i++)
        {
            await client.PingAsync(cancellationToken); // warm-up
        }

        var samples = new List<long>(count);
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await client.PingAsync(cancellationToken);
            samples.Add(Stopwatch.GetTimestamp() - start);
        }

        return Percentiles.Summarize(samples);
    }

    /// <summary>From the send to the arrival of its own delivery, one message at a time, alone in a room.</summary>
    public static async Task<RoundTripResult> RoundTripAsync(BenchTarget target, string label, int count, Pinning pinning, CancellationToken cancellationToken)
    {
        TaskCompletionSource? waiting = null;
        await using var client = await target.ConnectAsync("bench-solo", _ => Volatile.Read(ref waiting)?.TrySetResult(), cancellationToken);
        await client.JoinRoomAsync(SoloRoom, cancellationToken);

        async Task<long> OnceAsync()
        {
            var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref waiting, delivered);
            var start = Stopwatch.GetTimestamp();
            var sent = client.SendStampedAsync(SoloRoom, start);
            await delivered.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            var elapsed = Stopwatch.GetTimestamp() - start;
            await sent;
            return elapsed;
        }

        for (var i = 0; i < Math.Min(100, count); i++)
        {
            await OnceAsync(); // warm-up
        }

        var cpu = CpuUse.Start(target.Process, pinning);
        var samples = new List<long>(count);
        for (var i = 0; i < count; i++)
        {
            samples.Add(await OnceAsync());
        }

        return new RoundTripResult(target.Name, label, Percentiles.Summarize(samples), cpu());
    }
}

/// <summary>A chat round trip's latency; <see cref="Label"/> says what the server ran with (e.g. SQLite's synchronous mode).</summary>
internal sealed record RoundTripResult(string Target, string Label, LatencySummary Latency, CpuUse Cpu);
