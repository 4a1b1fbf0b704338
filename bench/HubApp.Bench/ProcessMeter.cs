using System.Globalization;

namespace HubApp.Bench;

/// <summary>CPU time and memory of a process on this machine, read from /proc (Linux); of several, their sum.</summary>
internal sealed class ProcessMeter(params int[] pids)
{
    // USER_HZ: the unit of utime and stime in /proc/PID/stat; 100 on every Linux this runs on.
    private const double TicksPerSecond = 100;

    /// <summary>User plus system CPU seconds the processes have used so far.</summary>
    public double CpuSeconds() => pids.Sum(CpuSeconds);

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
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name, which is in parentheses and may contain spaces.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (utime + stime) / TicksPerSecond;
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
