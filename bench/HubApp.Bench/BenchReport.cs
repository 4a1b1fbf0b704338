using System.Globalization;
using System.Text.Json;

namespace HubApp.Bench;

/// <summary>
/// What a bench run measured, printed as a table (with the ratio of every further target to the first, the
/// baseline in a comparison) and as JSON. Under every workload a row says which side ran out of CPU.
/// </summary>
internal sealed record BenchReport(
    string Machine,
    string Pinning,
    string Client,
    IReadOnlyList<FanOutResult> FanOut,
    IReadOnlyList<FanOutResult> FixedRate,
    IReadOnlyList<IdleResult> Idle,
    IReadOnlyDictionary<string, LatencySummary> Ping,
    IReadOnlyList<RoundTripResult> RoundTrip)
{
    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public DateTime RunAt { get; init; } = DateTime.UtcNow;

    public static string DescribeMachine() =>
        $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";

    public void Print(TextWriter output)
    {
        var targets = FanOut.Select(r => r.Target).Concat(FixedRate.Select(r => r.Target)).Concat(Idle.Select(r => r.Target))
            .Concat(Ping.Keys).Concat(RoundTrip.Select(r => r.Target)).Distinct().ToArray();
        var rows = new List<(string Metric, string[] Cells, double[]? Values)>();
        void Add(string metric, Func<string, double?> value)
        {
            var values = targets.Select(t => value(t) ?? double.NaN).ToArray();
            rows.Add((metric, values.Select(Format).ToArray(), values));
        }

        void Bound(Func<string, CpuUse?> cpu) =>
            rows.Add(("  CPU cores server / generator: ran out", targets.Select(t => cpu(t)?.Describe() ?? "–").ToArray(), null));

        FanOutResult? F(IReadOnlyList<FanOutResult> list, string t) => list.FirstOrDefault(r => r.Target == t);
        IdleResult? I(string t) => Idle.FirstOrDefault(r => r.Target == t);

        if (FanOut.Count > 0)
        {
            var s = FanOut[0].Settings;
            Add($"fan-out {s.Rooms}×{s.Members}, window {s.Window}: deliveries/s", t => F(FanOut, t)?.DeliveriesPerSecond);
            Add("  server CPU s per 100k deliveries", t => F(FanOut, t)?.ServerCpuSecondsPer100k);
            Add("  latency p50 ms", t => F(FanOut, t)?.Latency.P50Ms);
            Add("  latency p99 ms", t => F(FanOut, t)?.Latency.P99Ms);
            Add("  lost / sends failed", t => F(FanOut, t) is { } r ? r.Lost + r.SendErrors : null);
            Add("  server peak RSS MB", t => F(FanOut, t)?.ServerPeakRssMb);
            Add("  load generator CPU µs per delivery", t => F(FanOut, t)?.ClientCpuMicrosecondsPerDelivery);
            Bound(t => F(FanOut, t)?.Cpu);
        }

        if (FixedRate.Count > 0)
        {
            Add($"at {FixedRate[0].Settings.OfferedRate:N0}/s offered: deliveries/s", t => F(FixedRate, t)?.DeliveriesPerSecond);
            Add("  server CPU s per 100k deliveries", t => F(FixedRate, t)?.ServerCpuSecondsPer100k);
            Add("  latency p50 ms", t => F(FixedRate, t)?.Latency.P50Ms);
            Add("  latency p99 ms", t => F(FixedRate, t)?.Latency.P99Ms);
            Add("  lost / sends failed", t => F(FixedRate, t) is { } r ? r.Lost + r.SendErrors : null);
            Bound(t => F(FixedRate, t)?.Cpu);
        }

        if (Idle.Count > 0)
        {
            Add($"{Idle[0].Connections:N0} idle connections: KB per connection", t => I(t)?.ServerKbPerConnection);
            Add("  server RSS MB", t => I(t)?.ServerRssMb);
            Add("  connects/s (100 in flight)", t => I(t)?.ConnectsPerSecond);
            Add("  server CPU ms per connect", t => I(t)?.ServerCpuMsPerConnect);
            Bound(t => I(t)?.Cpu);
        }

        foreach (var label in RoundTrip.Select(r => r.Label).Distinct())
        {
            RoundTripResult? R(string t) => RoundTrip.FirstOrDefault(r => r.Target == t && r.Label == label);
            Add($"chat round trip p50 µs ({label})", t => R(t)?.Latency.P50Ms * 1000);
            Add("  p99 µs", t => R(t)?.Latency.P99Ms * 1000);
            Bound(t => R(t)?.Cpu);
        }

        if (Ping.Count > 0)
        {
            Add("Ping round trip p50 µs", t => Ping.TryGetValue(t, out var p) ? p.P50Ms * 1000 : null);
            Add("  p99 µs", t => Ping.TryGetValue(t, out var p) ? p.P99Ms * 1000 : null);
        }

        output.WriteLine($"Machine: {Machine}");
        output.WriteLine($"CPUs: {Pinning}");
        output.WriteLine($"Client: {Client}");
        var ratios = targets.Skip(1).Select(t => $"{t} ÷ {targets[0]}").ToArray();
        var width = Math.Max(12, rows.Count == 0 ? 0 : rows.Max(r => r.Cells.Max(c => c.Length)));
        output.WriteLine($"| {"figure",-48} | " + string.Join(" | ", targets.Select(t => t.PadLeft(width))) + " |" + string.Concat(ratios.Select(r => $" {r} |")));
        output.WriteLine("| " + new string('-', 48) + " |" + string.Concat(targets.Select(_ => new string('-', width + 1) + ":|")) + string.Concat(ratios.Select(r => new string('-', r.Length + 1) + ":|")));
        foreach (var (metric, cells, values) in rows)
        {
            var line = $"| {metric,-48} | " + string.Join(" | ", cells.Select(c => c.PadLeft(width))) + " |";
            for (var i = 1; i < targets.Length; i++)
            {
                var ratio = values is null ? string.Empty : Format(values[i] / values[0]);
                line += $" {ratio.PadLeft(ratios[i - 1].Length)} |";
            }

            output.WriteLine(line);
        }

        output.WriteLine($"\"ran out\": the side whose CPU-seconds per wall-second reached {CpuUse.Saturated:0.0} of the CPUs it may use (1 each when pinned); \"others' work\": its CPU was busy (second figure, from /proc/stat) mostly with other processes; \"neither\": waits set the pace.");
    }

    public async Task WriteJsonAsync(string path) => await File.WriteAllTextAsync(path, JsonSerializer.Serialize(this, Json));

    internal static string Format(double value) => double.IsNaN(value) || double.IsInfinity(value)
        ? "–"
        : Math.Abs(value) >= 1000 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.###", CultureInfo.InvariantCulture);
}
