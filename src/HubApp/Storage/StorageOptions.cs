namespace HubApp.Storage;

/// <summary>
/// Where history lives. Section <c>Storage</c> plus <c>ConnectionStrings</c>:
/// <code>
/// "Storage": { "Provider": "sqlite" },
/// "ConnectionStrings": { "Sqlite": "Data Source=data/hubapp.db", "Postgres": null }
/// </code>
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary><c>sqlite</c> (default, an embedded file) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>From <c>ConnectionStrings:Sqlite</c>. Default <c>Data Source=data/hubapp.db</c>; a relative path is under the content root (<see cref="SqlitePath"/>).</summary>
    public string SqliteConnectionString { get; set; } = "Data Source=data/hubapp.db";

    /// <summary>From <c>ConnectionStrings:Postgres</c>. Unset by default.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>
    /// SQLite's <c>synchronous</c> mode: <c>full</c> (default) syncs the WAL on every commit, so an acknowledged message
    /// survives a power loss; <c>normal</c> syncs only at checkpoints, so a commit survives a crash of the process but
    /// the last commits before a power loss or kernel crash may be lost. A choice of durability against commit latency
    /// (docs/performance.md has both figures).
    /// </summary>
    public string SqliteSynchronous { get; set; } = SynchronousFull;

    public const string SynchronousFull = "full";
    public const string SynchronousNormal = "normal";

    /// <summary>Most writes committed in one transaction (group commit). Default 512.</summary>
    public int MaxBatchSize { get; set; } = 512;
}
