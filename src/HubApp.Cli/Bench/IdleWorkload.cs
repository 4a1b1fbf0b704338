using System.Diagnostics;
using System.Globalization;

namespace HubApp.Cli.Bench;

/// <summary>
/// N idle connections, each joined to a room, held by worker processes (`hubapp bench idle-worker`) of
/// at most <see cref="PerProcess"/> each: one process may hold only 20,000 open files here. Reports the
/// connect rate and the server's resident memory per connection.
/// </summary>
internal sealed class IdleWorkload(BenchTarget target, int connections, int rooms, bool authenticate, TextWriter progress)
{
    public const int PerProcess = 4000;

    public async Task<IdleResult> RunAsync(CancellationToken cancellationToken)
    {
        // A first connection warms the server up, so the baseline memory excludes one-time costs.
        await (await target.ConnectAsync("bench-idle-warmup", cancellationToken)).DisposeAsync();
        GC.Collect();
        await Task.Delay(500, cancellationToken);
        var before = target.Process?.RssBytes() ?? 0;
        var started = Stopwatch.StartNew();
        var workers = new List<Process>();
        try
        {
            for (var offset = 0; offset < connections; offset += PerProcess)
            {
                workers.Add(StartWorker(offset, Math.Min(PerProcess, connections - offset)));
            }

            foreach (var worker in workers)
            {
                var line = await worker.StandardOutput.ReadLineAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
                if (line != "ready")
                {
                    throw new InvalidOperationException($"An idle worker failed: {line} {await worker.StandardError.ReadToEndAsync(cancellationToken)}");
                }
            }

            var connectSeconds = started.Elapsed.TotalSeconds;
            await progress.WriteLineAsync($"  {target.Name}: {connections} idle connections in {connectSeconds:F1} s");
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken); // let the server settle
            var after = target.Process?.RssBytes() ?? 0;
            return new IdleResult(target.Name, connections, connections / connectSeconds, target.Process is null ? double.NaN : (after - before) / (double)connections / 1024, after / 1048576.0);
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.StandardInput.Close(); // the worker exits when its input closes
                if (!worker.WaitForExit(TimeSpan.FromSeconds(30)))
                {
                    worker.Kill(entireProcessTree: true);
                }

                worker.Dispose();
            }
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
            start.ArgumentList.Add(typeof(IdleWorkload).Assembly.Location); // run as `dotnet HubApp.Cli.dll`
        }

        foreach (var argument in (string[])["bench", "idle-worker", "--server", target.Server.ToString(), "--offset", offset.ToString(CultureInfo.InvariantCulture),
                     "--count", count.ToString(CultureInfo.InvariantCulture), "--rooms", rooms.ToString(CultureInfo.InvariantCulture)])
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
        var clients = new HubApp.Client.ChatClient[count];
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                var n = offset + i;
                // Twenty connections a user: HubApp's default Limits:MaxConnectionsPerUser.
                clients[i] = await target.ConnectAsync($"idle-{n / 20}", ct);
                await clients[i].JoinRoomAsync($"idle-room-{n % rooms}", null, ct);
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
            foreach (var client in clients.Where(c => c is not null))
            {
                await client.DisposeAsync();
            }
        }
    }
}

internal sealed record IdleResult(string Target, int Connections, double ConnectsPerSecond, double ServerKbPerConnection, double ServerRssMb);
