using System.Globalization;
using System.Text.Json;

namespace HubApp.Cli.Bench;

/// <summary>What a bench run measured, printed as a table (with ratios when two targets ran) and as JSON.</summary>
internal sealed record BenchReport(
    string Machine,
    IReadOnlyList<FanOutResult> FanOut,
    IReadOnlyList<FanOutResult> FixedRate,
    IReadOnlyList<IdleResult> Idle,
    IReadOnlyDictionary<string, LatencySummary> Ping)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static string DescribeMachine() =>
        $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";

    public void Print(TextWriter output)
    {
        var targets = FanOut.Select(r => r.Target).Concat(FixedRate.Select(r => r.Target)).Concat(Idle.Select(r => r.Target)).Concat(Ping.Keys).Distinct().ToArray();
        var rows = new List<(string Metric, double[] Values)>();
        void Add(string metric, Func<string, double?> value) => rows.Add((metric, targets.Select(t => value(t) ?? double.NaN).ToArray()));
        FanOutResult? F(IReadOnlyList<FanOutResult> list, string t) => list.FirstOrDefault(r => r.Target == t);

        if (FanOut.Count > 0)
        {
            var s = FanOut[0].Settings;
            Add($"fan-out {s.Rooms}×{s.Members}, window {s.Window}: deliveries/s", t => F(FanOut, t)?.DeliveriesPerSecond);
            Add("  latency p50 ms", t => F(FanOut, t)?.Latency.P50Ms);
            Add("  latency p95 ms", t => F(FanOut, t)?.Latency.P95Ms);
            Add("  latency p99 ms", t => F(FanOut, t)?.Latency.P99Ms);
            Add("  messages lost (deliveries)", t => F(FanOut, t)?.Lost);
            Add("  sends refused or failed", t => F(FanOut, t)?.SendErrors);
            Add("  server CPU s per 100k deliveries", t => F(FanOut, t)?.ServerCpuSecondsPer100k);
            Add("  server cores busy", t => F(FanOut, t)?.ServerCores);
            Add("  server peak RSS MB", t => F(FanOut, t)?.ServerPeakRssMb);
            Add("  load generator cores busy", t => F(FanOut, t)?.ClientCores);
        }

        if (FixedRate.Count > 0)
        {
            Add($"fixed rate {FixedRate[0].Settings.OfferedRate:N0}/s offered: deliveries/s", t => F(FixedRate, t)?.DeliveriesPerSecond);
            Add("  latency p50 ms", t => F(FixedRate, t)?.Latency.P50Ms);
            Add("  latency p99 ms", t => F(FixedRate, t)?.Latency.P99Ms);
            Add("  messages lost (deliveries)", t => F(FixedRate, t)?.Lost);
            Add("  sends refused or failed", t => F(FixedRate, t)?.SendErrors);
            Add("  server CPU s per 100k deliveries", t => F(FixedRate, t)?.ServerCpuSecondsPer100k);
            Add("  load generator cores busy", t => F(FixedRate, t)?.ClientCores);
        }

        if (Idle.Count > 0)
        {
            Add($"idle connections ({Idle[0].Connections:N0}): connects/s", t => Idle.FirstOrDefault(r => r.Target == t)?.ConnectsPerSecond);
            Add("  server KB per connection", t => Idle.FirstOrDefault(r => r.Target == t)?.ServerKbPerConnection);
            Add("  server RSS MB", t => Idle.FirstOrDefault(r => r.Target == t)?.ServerRssMb);
        }

        if (Ping.Count > 0)
        {
            Add("ping round trip p50 ms", t => Ping.TryGetValue(t, out var p) ? p.P50Ms : null);
            Add("ping round trip p99 ms", t => Ping.TryGetValue(t, out var p) ? p.P99Ms : null);
        }

        output.WriteLine($"Machine: {Machine}");
        var header = $"| {"figure",-48} | " + string.Join(" | ", targets.Select(t => $"{t,12}")) + (targets.Length == 2 ? $" | {"ratio",7} |" : " |");
        output.WriteLine(header);
        output.WriteLine("|" + new string('-', 50) + "|" + string.Join("|", targets.Select(_ => new string('-', 14))) + (targets.Length == 2 ? "|---------|" : "|"));
        foreach (var (metric, values) in rows)
        {
            var cells = string.Join(" | ", values.Select(v => $"{Format(v),12}"));
            var ratio = targets.Length == 2 ? $" | {Format(values[1] / values[0]),7} |" : " |";
            output.WriteLine($"| {metric,-48} | {cells}{ratio}");
        }

        if (targets.Length == 2)
        {
            output.WriteLine($"ratio = {targets[1]} / {targets[0]}");
        }

        foreach (var result in FanOut.Concat(FixedRate))
        {
            if (result.Saturation() is { } note)
            {
                output.WriteLine($"note ({result.Target}, {(result.Settings.OfferedRate is null ? "fan-out" : "fixed rate")}): {note}");
            }
        }
    }

    public async Task WriteJsonAsync(string path) => await File.WriteAllTextAsync(path, JsonSerializer.Serialize(this, Json));

    private static string Format(double value) => double.IsNaN(value) || double.IsInfinity(value)
        ? "–"
        : Math.Abs(value) >= 1000 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.###", CultureInfo.InvariantCulture);
}
