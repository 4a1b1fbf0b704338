using Microsoft.Data.Sqlite;

namespace HubApp.Storage;

/// <summary>
/// Where a relative SQLite file lives: under the host's content root, the directory its settings files are read from
/// (the repository root under <c>dotnet run</c>, wherever it is typed, as <c>RunWorkingDirectory</c> puts it there; the
/// directory a published host is started in, or <c>--contentRoot</c>). Resolved once at start-up, so the file does not
/// follow whatever the process's current directory happens to be, and every relative path the host reads has one anchor.
/// </summary>
internal static class SqlitePath
{
    /// <summary>
    /// <paramref name="connectionString"/> with a relative <c>Data Source</c> made absolute under
    /// <paramref name="contentRoot"/>; an absolute path, <c>:memory:</c>, a <c>file:</c> URI, an in-memory database or
    /// a string that does not parse (the store reports it) is returned as it is.
    /// </summary>
    public static string Resolve(string connectionString, string contentRoot)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            return connectionString;
        }

        var dataSource = builder.DataSource;
        if (string.IsNullOrEmpty(dataSource)
            || dataSource == ":memory:"
            || dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
            || builder.Mode == SqliteOpenMode.Memory
            || Path.IsPathRooted(dataSource))
        {
            return connectionString;
        }

        builder.DataSource = Path.GetFullPath(dataSource, contentRoot);
        return builder.ConnectionString;
    }
}
