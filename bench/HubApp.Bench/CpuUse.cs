using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Serialization;

namespace HubApp.Bench;

/// <summary>Which side of a figure ran out of CPU.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CpuBound>))]
internal enum CpuBound
{
    /// <summary>Neither was near its CPUs: waits (the disk, the network, pacing) set the pace.</summary>
    Neither,
    Server,
    LoadGenerator,
    Both,

    /// <summary>Not pinned, and the two together fill the cores they share: which one set the pace cannot be told.</summary>
    SharedCores,

    /// <summary>Pinned, and a side's CPU was busy near 1.0 but mostly with other processes: the machine was not quiet.</summary>
    OtherWork,

    /// <summary>Measured over too short a time for the kernel's CPU accounting (10 ms ticks) to tell.</summary>
    TooShort,
}

/// <summary>
/// The cores the server and the load generator kept busy over a figure's wall time (CPU-seconds / wall-seconds),
/// and from them which side ran out: a side pinned to one CPU is out of it near 1.0.
/// </summary>
/// <remarks>
/// <see cref="ServerCpuBusy"/> and <see cref="ClientCpuBusy"/>: how busy the pinned CPU was with anything (from
/// /proc/stat), so that a side starved by other processes is told apart from a side that waited. NaN when not pinned.
/// </remarks>
internal sealed record CpuUse(double ServerCores, double ClientCores, int ServerCpus, int ClientCpus, bool Pinned, double WallSeconds,
    double ServerCpuBusy = double.NaN, double ClientCpuBusy = double.NaN)
{
    /// <summary>The shortest time over which CPU-seconds per wall-second mean something: /proc counts in 10 ms ticks.</summary>
    public const double MinimumSeconds = 1;

    /// <summary>The share of its CPUs from which a side counts as having run out: scheduling and the measuring itself keep it under 1.0.</summary>
    public const double Saturated = 0.9;

    public CpuBound Bound
    {
        get
        {
            if (WallSeconds < MinimumSeconds)
            {
                return CpuBound.TooShort;
            }

            if (!Pinned)
            {
                var cores = Math.Max(ServerCpus, ClientCpus);
                return ClientCores >= Saturated * cores ? CpuBound.LoadGenerator
                    : !double.IsNaN(ServerCores) && ServerCores + ClientCores >= Saturated * cores ? CpuBound.SharedCores
                    : CpuBound.Neither;
            }

            var server = !double.IsNaN(ServerCores) && ServerCores >= Saturated * ServerCpus;
            var client = ClientCores >= Saturated * ClientCpus;
            return (server, client) switch
            {
                (true, true) => CpuBound.Both,
                (true, false) => CpuBound.Server,
                (false, true) => CpuBound.LoadGenerator,
                _ when ServerCpuBusy >= Saturated || ClientCpuBusy >= Saturated => CpuBound.OtherWork,
                _ => CpuBound.Neither,
            };
        }
    }

    /// <summary>A short cell for the table: "server 0.98 / gen 0.41 → server".</summary>
    public string Describe() => Bound == CpuBound.OtherWork
        ? string.Create(CultureInfo.InvariantCulture, $"srv {ServerCores:0.00}/{ServerCpuBusy:0.00} gen {ClientCores:0.00}/{ClientCpuBusy:0.00}: {Name(Bound)}")
        : string.Create(CultureInfo.InvariantCulture, $"srv {ServerCores:0.00} gen {ClientCores:0.00}: {Name(Bound)}");

    public static string Name(CpuBound bound) => bound switch
    {
        CpuBound.Server => "server",
        CpuBound.LoadGenerator => "load gen",
        CpuBound.Both => "both",
        CpuBound.SharedCores => "shared",
        CpuBound.TooShort => "too short to tell",
        CpuBound.OtherWork => "others' work",
        _ => "neither",
    };

    /// <summary>Several measured spans as one: each side's cores and its CPU's busy share weighted by the spans' wall time.</summary>
    public static CpuUse Combine(IReadOnlyList<CpuUse> parts)
    {
        var wall = parts.Sum(p => p.WallSeconds);
        double Weighted(Func<CpuUse, double> value) => parts.Sum(p => value(p) * p.WallSeconds) / wall;
        var first = parts[0];
        return first with
        {
            ServerCores = Weighted(p => p.ServerCores),
            ClientCores = Weighted(p => p.ClientCores),
            WallSeconds = wall,
            ServerCpuBusy = Weighted(p => p.ServerCpuBusy),
            ClientCpuBusy = Weighted(p => p.ClientCpuBusy),
        };
    }

    /// <summary>Measures from now: <see cref="Stop"/> gives the cores each side used in between.</summary>
    public static Func<CpuUse> Start(ProcessMeter? server, Pinning pinning)
    {
        var wall = Stopwatch.GetTimestamp();
        var client = Process.GetCurrentProcess().TotalProcessorTime;
        var serverCpu = server?.CpuSeconds();
        var busy = pinning.IsPinned ? ProcessMeter.BusyCpuSeconds() : null;
        return () => Stop(wall, client, serverCpu, busy, server, pinning);
    }

    private static CpuUse Stop(long wall, TimeSpan client, double? serverCpu, double[]? busy, ProcessMeter? server, Pinning pinning)
    {
        var seconds = Stopwatch.GetElapsedTime(wall).TotalSeconds;
        var clientCores = (Process.GetCurrentProcess().TotalProcessorTime - client).TotalSeconds / seconds;
        var serverCores = server is null ? double.NaN : (server.CpuSeconds() - serverCpu!.Value) / seconds;
        if (!pinning.IsPinned || busy is null)
        {
            return new CpuUse(serverCores, clientCores, Environment.ProcessorCount, Environment.ProcessorCount, Pinned: false, seconds);
        }

        var now = ProcessMeter.BusyCpuSeconds();
        double Busy(int cpu) => cpu < now.Length && cpu < busy.Length ? (now[cpu] - busy[cpu]) / seconds : double.NaN;
        return new CpuUse(serverCores, clientCores, 1, 1, Pinned: true, seconds, Busy(pinning.ServerCpu!.Value), Busy(pinning.ClientCpu!.Value));
    }
}
