using System.Text.Json;
using System.Text.Json.Serialization;

namespace HubApp.Bench;

/// <summary>One measured phase of the cost workload: one kind of operation for the phase's length.</summary>
internal sealed record CostPhase(OperationKind Kind, int Round, double Seconds, long Operations, long Deliveries, double ServerCpuSeconds, long Lost, long Errors, CpuUse Cpu)
{
    /// <summary>Acknowledgement times in Stopwatch ticks (kept out of the JSON: the summaries are there).</summary>
    [JsonIgnore]
    public List<long> AckSamples { get; init; } = [];

    /// <summary>Send-to-delivery times of the stamped deliveries (a reaction's entry carries no stamp).</summary>
    [JsonIgnore]
    public List<long> DeliverySamples { get; init; } = [];

    public double ServerCpuMsPerOperation => ServerCpuSeconds * 1000 / Operations;
}

/// <summary>One kind's phases together: the server's CPU per operation and per delivery, and the latencies.</summary>
internal sealed record OperationCost(OperationKind Kind, double Seconds, long Operations, long Deliveries, double ServerCpuSeconds, LatencySummary Ack, LatencySummary Delivery, long Lost, long Errors, CpuUse Cpu, IReadOnlyList<double> CpuMsPerOperationByRound)
{
    public double OperationsPerSecond => Operations / Seconds;

    public double ServerCpuMsPerOperation => ServerCpuSeconds * 1000 / Operations;

    public double ServerCpuMicrosecondsPerDelivery => ServerCpuSeconds * 1_000_000 / Deliveries;

    /// <summary>Deliveries per acknowledged operation: the room's members when each operation delivers one entry.</summary>
    public double DeliveriesPerOperation => (double)Deliveries / Operations;
}

/// <summary>What the cost workload measured, with every kind's ratios to the first (a plain message).</summary>
internal sealed record CostResult(string Target, CostSettings Settings, IReadOnlyList<OperationCost> Costs, IReadOnlyList<CostPhase> Phases)
{
    public DateTime RunAt { get; init; } = DateTime.UtcNow;

    public string? Machine { get; init; }

    public string? Pinning { get; init; }

    /// <summary>Every acknowledged operation by kind over the run, warm-up and the unmeasured ends of phases included.</summary>
    public IReadOnlyDictionary<OperationKind, long> Acknowledged { get; init; } = new Dictionary<OperationKind, long>();

    public static CostResult Of(string target, CostSettings settings, IReadOnlyList<CostPhase> phases) => new(
        target,
        settings,
        [.. settings.Kinds.Select(kind =>
        {
            var of = phases.Where(p => p.Kind == kind).ToArray();
            return new OperationCost(
                kind,
                of.Sum(p => p.Seconds),
                of.Sum(p => p.Operations),
                of.Sum(p => p.Deliveries),
                of.Sum(p => p.ServerCpuSeconds),
                Percentiles.Summarize([.. of.SelectMany(p => p.AckSamples)]),
                Percentiles.Summarize([.. of.SelectMany(p => p.DeliverySamples)]),
                of.Sum(p => p.Lost),
                of.Sum(p => p.Errors),
                CpuUse.Combine([.. of.Select(p => p.Cpu)]),
                [.. of.Select(p => p.ServerCpuMsPerOperation)]);
        })],
        phases);

    public void Print(TextWriter output)
    {
        var s = Settings;
        output.WriteLine($"{Target}: {s.Rooms} rooms × {s.Members} members, window {s.Window}, {(s.OfferedRate is { } rate ? $"{rate:N0} deliveries/s offered" : "saturation")}; " +
            $"{s.Rounds} round(s) of {s.Phase.TotalSeconds:0.#} s per kind after {s.Warmup.TotalSeconds:0.#} s of warm-up");
        output.WriteLine("| kind | ops/s | server CPU ms per op | server CPU µs per delivery | deliveries per op | ack p50 / p99 ms | delivery p50 / p99 ms | lost / failed | CPU ms per op by round | CPU cores server / generator: ran out |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var c in Costs)
        {
            output.WriteLine($"| {OperationCostWorkload.Name(c.Kind)} | {Format(c.OperationsPerSecond)} | {Format(c.ServerCpuMsPerOperation)} | {Format(c.ServerCpuMicrosecondsPerDelivery)} | " +
                $"{Format(c.DeliveriesPerOperation)} | {Format(c.Ack.P50Ms)} / {Format(c.Ack.P99Ms)} | {Format(c.Delivery.P50Ms)} / {Format(c.Delivery.P99Ms)} | {c.Lost} / {c.Errors} | " +
                $"{string.Join(", ", c.CpuMsPerOperationByRound.Select(Format))} | {c.Cpu.Describe()} |");
        }

        if (Costs.Count < 2)
        {
            return;
        }

        var reference = Costs[0];
        output.WriteLine();
        output.WriteLine("| ratio | ops/s | server CPU per op | server CPU per delivery | ack p50 | ack p99 |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var c in Costs.Skip(1))
        {
            output.WriteLine($"| {OperationCostWorkload.Name(c.Kind)} ÷ {OperationCostWorkload.Name(reference.Kind)} | {Format(c.OperationsPerSecond / reference.OperationsPerSecond)} | " +
                $"**{Format(c.ServerCpuMsPerOperation / reference.ServerCpuMsPerOperation)}** | {Format(c.ServerCpuMicrosecondsPerDelivery / reference.ServerCpuMicrosecondsPerDelivery)} | " +
                $"{Format(c.Ack.P50Ms / reference.Ack.P50Ms)} | {Format(c.Ack.P99Ms / reference.Ack.P99Ms)} |");
        }
    }

    public async Task WriteJsonAsync(string path) => await File.WriteAllTextAsync(path, JsonSerializer.Serialize(this, BenchReport.Json));

    private static string Format(double value) => BenchReport.Format(value);
}
