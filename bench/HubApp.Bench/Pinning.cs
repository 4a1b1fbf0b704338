using System.Diagnostics;

namespace HubApp.Bench;

/// <summary>
/// Which CPU the servers and the load generator run on (<c>taskset</c>), so that neither takes the other's
/// core and each side's CPU-seconds per wall-second says whether it ran out.
/// </summary>
internal sealed record Pinning(int? ServerCpu, int? ClientCpu)
{
    public static readonly Pinning None = new(null, null);

    public bool IsPinned => ServerCpu is not null && ClientCpu is not null;

    /// <summary>Server on CPU 0 and load generator on CPU 1 where there are two CPUs or more and taskset is there; else none.</summary>
    public static Pinning Default() =>
        Environment.ProcessorCount >= 2 && File.Exists("/usr/bin/taskset") ? new Pinning(0, 1) : None;

    public string Describe() => IsPinned
        ? $"pinned with taskset: servers on CPU {ServerCpu}, load generator (this process, every thread) on CPU {ClientCpu}"
        : "not pinned: servers and load generator share every CPU";

    /// <summary>Moves every thread of this process (and so the threads and processes it starts later) to the load generator's CPU.</summary>
    public async Task PinThisProcessAsync(CancellationToken cancellationToken)
    {
        if (ClientCpu is not { } cpu)
        {
            return;
        }

        using var taskset = Process.Start(new ProcessStartInfo("taskset", ["-a", "-p", "-c", cpu.ToString(System.Globalization.CultureInfo.InvariantCulture), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await taskset.WaitForExitAsync(cancellationToken);
        if (taskset.ExitCode != 0)
        {
            throw new InvalidOperationException($"taskset could not pin the load generator: {await taskset.StandardError.ReadToEndAsync(cancellationToken)}");
        }
    }

    /// <summary>
    /// What a pinned server's runtime is told: a process pinned to one CPU counts as a single-processor machine, where .NET
    /// waits ten times longer before it recompiles hot methods with full optimization (<c>TC_DelaySingleProcMultiplier</c>),
    /// and a saturated server then takes about 40 s to reach the code it runs on a machine of several cores (both the plain
    /// hub and HubApp ran near half their later throughput for that long). The multiplier of one restores the delay of
    /// the machine that pinning only stands for, for every server alike.
    /// </summary>
    public IReadOnlyDictionary<string, string> ServerEnvironment => ServerCpu is null
        ? new Dictionary<string, string>()
        : new Dictionary<string, string> { ["DOTNET_TC_DelaySingleProcMultiplier"] = "1" };

    /// <summary>The command line that starts a server: under <c>taskset -c CPU</c> when pinned (taskset execs it: the same process id).</summary>
    public (string FileName, IReadOnlyList<string> Arguments) ServerCommand(string fileName, IReadOnlyList<string> arguments) =>
        ServerCpu is { } cpu
            ? ("taskset", ["-c", cpu.ToString(System.Globalization.CultureInfo.InvariantCulture), fileName, .. arguments])
            : (fileName, arguments);
}
