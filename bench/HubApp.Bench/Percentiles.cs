namespace HubApp.Bench;

/// <summary>Latency samples in Stopwatch ticks, summarized as milliseconds.</summary>
internal static class Percentiles
{
    public static LatencySummary Summarize(List<long> samples)
    {
        if (samples.Count == 0)
        {
            return new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        samples.Sort();
        return new LatencySummary(samples.Count, At(samples, 0.50), At(samples, 0.95), At(samples, 0.99), Ms(samples[^1]));
    }

    private static double At(List<long> sorted, double quantile) =>
        Ms(sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(quantile * sorted.Count) - 1)]);

    private static double Ms(long ticks) => ticks * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
}

internal sealed record LatencySummary(int Samples, double P50Ms, double P95Ms, double P99Ms, double MaxMs);
