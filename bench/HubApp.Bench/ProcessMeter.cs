using System.Globalization;

namespace HubApp.Bench;

/// <summary>CPU time and memory of a process on this machine, read from /proc (Linux); of several, their sum.</summary>
internal sealed class ProcessMeter(params int[] pids)
{
    // USER_HZ: the unit of utime and stime in /proc/PID/stat; 100 on every Linux this runs on.
    private const double TicksPerSecond = 100;

    private readonly bool _tree;

    private ProcessMeter(int[] roots, bool tree)
        : this(roots) => _tree = tree;

    /// <summary>
    /// The processes and all their descendants, live or exited: for a server that works in child processes, as
    /// PostgreSQL does (a backend per connection).
    /// </summary>
    public static ProcessMeter Tree(params int[] roots) => new(roots, tree: true);

    /// <summary>User plus system CPU seconds the processes have used so far.</summary>
    public double CpuSeconds() => _tree ? TreeCpuSeconds() : pids.Sum(CpuSeconds);

    /// <summary>User plus system CPU seconds of each process so far, in the order given (without descendants).</summary>
    public double[] CpuSecondsEach() => [.. pids.Select(CpuSeconds)];

    /// <summary>Resident set size now, in bytes.</summary>
    public long RssBytes() => pids.Sum(pid => StatusKilobytes(pid, "VmRSS:") * 1024);

    /// <summary>Peak resident set size since the processes started, in bytes.</summary>
    public long PeakRssBytes() => pids.Sum(pid => StatusKilobytes(pid, "VmHWM:") * 1024);

    /// <summary>
    /// Seconds each CPU of the machine has been busy (everything but idle and iowait, from /proc/stat), by CPU
    /// number: how much of a pinned CPU other processes took.
    /// </summary>
    public static double[] BusyCpuSeconds()
    {
        var busy = new List<double>();
        foreach (var line in File.ReadLines("/proc/stat"))
        {
            if (!line.StartsWith("cpu", StringComparison.Ordinal) || line.Length < 4 || !char.IsAsciiDigit(line[3]))
            {
                continue;
            }

            // cpuN user nice system idle iowait irq softirq steal ...
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var ticks = fields.Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            busy.Add((ticks.Sum() - ticks[3] - ticks[4]) / TicksPerSecond);
        }

        return [.. busy];
    }

    private static double CpuSeconds(int pid)
    {
        var stat = Stat(File.ReadAllText($"/proc/{pid}/stat"));
        return stat.Own / TicksPerSecond;
    }

    // Each live process's own time and that of its children it has reaped: a process that exits moves all of its
    // figure into its parent's reaped one, so the sum only grows.
    private double TreeCpuSeconds()
    {
        var all = new Dictionary<int, (int Parent, long Own, long Reaped)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                try
                {
                    all[pid] = Stat(File.ReadAllText(Path.Combine(directory, "stat")));
                }
                catch (IOException)
                {
                    // Exited since the listing: its time is in its parent's reaped figure now.
                }
            }
        }

        var children = all.ToLookup(p => p.Value.Parent, p => p.Key);
        var ticks = 0L;
        var todo = new Stack<int>(pids);
        var seen = new HashSet<int>();
        while (todo.TryPop(out var pid))
        {
            if (!seen.Add(pid) || !all.TryGetValue(pid, out var stat))
            {
                continue;
            }

            ticks += stat.Own + stat.Reaped;
            foreach (var child in children[pid])
            {
                todo.Push(child);
            }
        }

        return ticks / TicksPerSecond;
    }

    private static (int Parent, long Own, long Reaped) Stat(string stat)
    {
        // Fields after the command name, which is in parentheses and may contain spaces.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        return ((int)Field(1), Field(11) + Field(12), Field(13) + Field(14));
    }

    private static long StatusKilobytes(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no {field}");
    }
}
