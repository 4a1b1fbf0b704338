using System.Diagnostics;

namespace HubApp.Bench;

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
        await using var solo = await SoloClient.ConnectAsync(target, "bench-solo", SoloRoom, cancellationToken);
        for (var i = 0; i < Math.Min(100, count); i++)
        {
            await solo.OnceAsync(cancellationToken); // warm-up
        }

        var cpu = CpuUse.Start(target.Process, pinning);
        var samples = new List<long>(count);
        for (var i = 0; i < count; i++)
        {
            samples.Add(await solo.OnceAsync(cancellationToken));
        }

        return new RoundTripResult(target.Name, label, Percentiles.Summarize(samples), cpu());
    }

    /// <summary>
    /// Chat round trips for <paramref name="warmup"/> on a fresh server before its round trips are measured: a server that
    /// has served a hundred still runs its send path half-compiled, busy with the JIT (it ran out of its core for one client).
    /// </summary>
    public static async Task WarmUpAsync(BenchTarget target, TimeSpan warmup, CancellationToken cancellationToken)
    {
        await using var solo = await SoloClient.ConnectAsync(target, "bench-warm", "bench-warm-room", cancellationToken);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < MaxWarmUpRoundTrips && clock.Elapsed < warmup; i++)
        {
            await solo.OnceAsync(cancellationToken);
        }
    }

    // A bound on the warm-up whatever its time (a fast server does some 10,000 a second).
    private const int MaxWarmUpRoundTrips = 1_000_000;

    private sealed class SoloClient(string room) : IAsyncDisposable
    {
        private TaskCompletionSource? _waiting;
        private IBenchConnection? _connection;

        public static async Task<SoloClient> ConnectAsync(BenchTarget target, string user, string room, CancellationToken cancellationToken)
        {
            var solo = new SoloClient(room);
            solo._connection = await target.ConnectAsync(user, _ => Volatile.Read(ref solo._waiting)?.TrySetResult(), cancellationToken);
            await solo._connection.JoinRoomAsync(room, cancellationToken);
            return solo;
        }

        public async Task<long> OnceAsync(CancellationToken cancellationToken)
        {
            var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _waiting, delivered);
            var start = Stopwatch.GetTimestamp();
            var sent = _connection!.SendStampedAsync(room, start);
            await delivered.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            var elapsed = Stopwatch.GetTimestamp() - start;
            await sent;
            return elapsed;
        }

        public ValueTask DisposeAsync() => _connection?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}

/// <summary>A chat round trip's latency; <see cref="Label"/> says what the server ran with (e.g. SQLite's synchronous mode).</summary>
internal sealed record RoundTripResult(string Target, string Label, LatencySummary Latency, CpuUse Cpu);
