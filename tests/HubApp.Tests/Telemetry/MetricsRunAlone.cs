namespace HubApp.Tests.Telemetry;

/// <summary>
/// The tests that read a host's metrics run with no other host in this process. OpenTelemetry's SDK listens to
/// meters by name across the whole process, not only to those of its host's IMeterFactory: with another test's
/// host running beside, its commits and connections would show in this host's <c>/metrics</c>. (In production
/// there is one host per process.)
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsRunAlone
{
    public const string Name = "Metrics (runs alone)";
}
