using System.Diagnostics;
using System.Globalization;
using HubApp.Contracts;

namespace HubApp.Bench;

/// <summary>
/// N idle connections, each joined to a room: the connect rate with a fixed number of connects in flight, the
/// server's CPU per connect, and its resident memory per connection once they are all open. The lean client holds
/// them in this process; the full one in worker processes (`HubApp.Bench idle-worker`) of at most
/// <see cref="PerProcess"/> each, since one process may hold only 20,000 open files here.
/// </summary>
/// <remarks>Tokens are fetched before the clock starts: a real client keeps its token, so a connect is negotiate, WebSocket, handshake and JoinRoom.</remarks>
internal sealed class IdleWorkload(BenchTarget target, int connections, int rooms, bool authenticate, TextWriter progress, TimeSpan warmup, int inFlight = 100, Pinning? pinning = null)
{
    public const int PerProcess = 4000;

    private const int WarmupConnects = 1000;

    // A bound on the warm-up whatever its time: the plain hub does 1,000 connects in half a second, and every closed
    // connection holds a loopback port of this machine in TIME_WAIT for a minute.
    private const int MaxWarmupRounds = 10;

    // Enough users that the warm-up's connects in flight stay under each user's connection limit.
    private const int WarmupUsers = 50;

    // Twenty connections a user: HubApp's default Limits:MaxConnectionsPerUser.
    private const int ConnectionsPerUser = 20;

    public async Task<IdleResult> RunAsync(CancellationToken cancellationToken)
    {
        var warming = Stopwatch.StartNew();
        // Memory on a server warmed by one round of 1,000 connects (joined, then closed), so that the baseline excludes
        // one-time costs but not the heap that N connections need: a longer warm-up that held many connections would leave
        // that heap grown, and the N measured would fill it for free.
        await WarmUpAsync(0, cancellationToken);
        await FetchTokensAsync(0, cancellationToken);
        GC.Collect();
        await Task.Delay(500, cancellationToken);
        var before = target.Process?.RssBytes() ?? 0;
        long after;
        await using (await HoldAsync(0, cancellationToken))
        {
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken); // let the server settle
            after = target.Process?.RssBytes() ?? 0;
        }

        // The connect figures on a running server: more rounds until the warm-up time has passed (the JIT tiers the connect
        // path up meanwhile: on a server warmed by 1,000 connects a connect cost 1.5 times what it does later), then N
        // connections again, of other users.
        var rounds = 1;
        while (warming.Elapsed < warmup && rounds < MaxWarmupRounds)
        {
            await WarmUpAsync(rounds++, cancellationToken);
        }

        await progress.WriteLineAsync($"  {target.Name}: warm-up of {rounds * WarmupConnects} connects and {connections} held in {warming.Elapsed.TotalSeconds:F1} s");
        await FetchTokensAsync(connections, cancellationToken);
        var serverCpu = target.Process?.CpuSeconds();
        var cpu = CpuUse.Start(target.Process, pinning ?? Pinning.None);
        var started = Stopwatch.StartNew();
        await using var held = await HoldAsync(connections, cancellationToken);
        var connectSeconds = started.Elapsed.TotalSeconds;
        var cpuUse = cpu();
        var serverMsPerConnect = target.Process is { } process ? (process.CpuSeconds() - serverCpu!.Value) * 1000 / connections : double.NaN;
        await progress.WriteLineAsync($"  {target.Name}: {connections} idle connections in {connectSeconds:F1} s");
        return new IdleResult(target.Name, connections, connections / connectSeconds, serverMsPerConnect,
            target.Process is null ? double.NaN : (after - before) / (double)connections / 1024, after / 1048576.0, cpuUse);
    }

    // 1,000 connects, joined, then closed; each round has users of its own, as a user's joins are rate-limited.
    private Task WarmUpAsync(int round, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(Enumerable.Range(0, WarmupConnects), new ParallelOptions { MaxDegreeOfParallelism = inFlight, CancellationToken = cancellationToken }, async (n, ct) =>
        {
            await using var connection = await target.ConnectAsync($"bench-warmup-{round}-{n % WarmupUsers}", null, ct);
            await connection.JoinRoomAsync($"warmup-room-{n % rooms}", ct);
        });

    // A real client keeps its token: fetched before any clock starts.
    private Task FetchTokensAsync(int offset, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(Enumerable.Range(0, (connections + ConnectionsPerUser - 1) / ConnectionsPerUser), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (user, ct) => await target.TokenAsync(UserName(offset + (user * ConnectionsPerUser)), ct));

    private async Task<IAsyncDisposable> HoldAsync(int offset, CancellationToken cancellationToken) =>
        target.Client == BenchClient.Lean ? await HoldHereAsync(offset, cancellationToken) : await HoldInWorkersAsync(offset, cancellationToken);

    private static string UserName(int n) => $"idle-{n / ConnectionsPerUser}";

    private async Task<IAsyncDisposable> HoldHereAsync(int offset, CancellationToken cancellationToken)
    {
        var held = new Held(new IBenchConnection[connections]);
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, connections), new ParallelOptions { MaxDegreeOfParallelism = inFlight, CancellationToken = cancellationToken }, async (n, ct) =>
            {
                var connection = await target.ConnectAsync(UserName(offset + n), null, ct);
                held.Connections[n] = connection;
                await connection.JoinRoomAsync($"idle-room-{n % rooms}", ct);
            });
            return held;
        }
        catch
        {
            await held.DisposeAsync();
            throw;
        }
    }

    private async Task<IAsyncDisposable> HoldInWorkersAsync(int offset, CancellationToken cancellationToken)
    {
        var workers = new Workers([]);
        try
        {
            for (var share = 0; share < connections; share += PerProcess)
            {
                workers.Processes.Add(StartWorker(offset + share, Math.Min(PerProcess, connections - share)));
            }

            foreach (var worker in workers.Processes)
            {
                var line = await worker.StandardOutput.ReadLineAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
                if (line != "ready")
                {
                    throw new InvalidOperationException($"An idle worker failed: {line} {await worker.StandardError.ReadToEndAsync(cancellationToken)}");
                }
            }

            return workers;
        }
        catch
        {
            await workers.DisposeAsync();
            throw;
        }
    }

    private sealed record Held(IBenchConnection?[] Connections) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() =>
            await Parallel.ForEachAsync(Connections.OfType<IBenchConnection>(), new ParallelOptions { MaxDegreeOfParallelism = 100 }, async (c, _) => await c.DisposeAsync());
    }

    private sealed record Workers(List<Process> Processes) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            foreach (var worker in Processes)
            {
                worker.StandardInput.Close(); // the worker exits when its input closes
                if (!worker.WaitForExit(TimeSpan.FromSeconds(30)))
                {
                    worker.Kill(entireProcessTree: true);
                }

                worker.Dispose();
            }

            return ValueTask.CompletedTask;
        }
    }

    private Process StartWorker(int offset, int count)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(IdleWorkload).Assembly.Location); // run as `dotnet HubApp.Bench.dll`
        }

        foreach (var argument in (string[])["idle-worker", "--server", target.Server.ToString(), "--offset", offset.ToString(CultureInfo.InvariantCulture),
                     "--count", count.ToString(CultureInfo.InvariantCulture), "--rooms", rooms.ToString(CultureInfo.InvariantCulture),
                     "--client", "full", "--protocol", target.Protocol.ToString(), "--presence", target.BatchedPresence ? PresenceModes.Batched : PresenceModes.Each])
        {
            start.ArgumentList.Add(argument);
        }

        if (!authenticate)
        {
            start.ArgumentList.Add("--no-auth");
        }

        return Process.Start(start)!;
    }

    /// <summary>The worker: connects its share, says "ready", and holds them until its input closes.</summary>
    public static async Task<int> RunWorkerAsync(BenchTarget target, int offset, int count, int rooms, CancellationToken cancellationToken)
    {
        var clients = new IBenchConnection?[count];
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                var n = offset + i;
                clients[i] = await target.ConnectAsync(UserName(n), null, ct);
                await clients[i]!.JoinRoomAsync($"idle-room-{n % rooms}", ct);
            });
            await Console.Out.WriteLineAsync("ready");
            await Console.In.ReadToEndAsync(cancellationToken);
            return 0;
        }
        catch (Exception ex)
        {
            await Console.Out.WriteLineAsync($"failed: {ex.GetType().Name}: {ex.Message}");
            return 1;
        }
        finally
        {
            foreach (var client in clients.OfType<IBenchConnection>())
            {
                await client.DisposeAsync();
            }
        }
    }
}

/// <summary>Idle connections: <see cref="Cpu"/> covers the connect phase (the load generator's side: this process only, not the full client's workers).</summary>
internal sealed record IdleResult(string Target, int Connections, double ConnectsPerSecond, double ServerCpuMsPerConnect, double ServerKbPerConnection, double ServerRssMb, CpuUse Cpu);
