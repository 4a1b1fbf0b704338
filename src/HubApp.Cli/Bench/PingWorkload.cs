using System.Diagnostics;

namespace HubApp.Cli.Bench;

/// <summary>Round trips of <c>Ping</c> on one connection, one at a time.</summary>
internal static class PingWorkload
{
    public static async Task<LatencySummary> RunAsync(BenchTarget target, int count, CancellationToken cancellationToken)
    {
        await using var client = await target.ConnectAsync("bench-ping", cancellationToken);
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
}
