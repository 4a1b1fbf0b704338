namespace HubApp.Tests;

/// <summary>
/// Tests that must have this process to themselves, run after all others, one at a time: those that measure
/// the whole process's heap (the soak, the slow consumer), since any other test's host allocates in the same
/// heap, and those that read a host's metrics, since OpenTelemetry's SDK listens to meters by name across the
/// whole process, not only to those of its host's IMeterFactory (in production there is one host per process).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "Runs alone";
}
