namespace HubApp.Tests.ScaleOut;

/// <summary>
/// The tests that use the shared test cluster run one after another: one of them restarts PostgreSQL, and
/// several node processes at once are as much as two cores carry.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCluster
{
    public const string Name = "PostgreSQL cluster";
}
