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
        if (Parse(connectionString) is not { } builder || !IsFile(builder) || Path.IsPathRooted(builder.DataSource))
        {
            return connectionString;
        }

        builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
        return builder.ConnectionString;
    }

    /// <summary>The full path of the database file the connection string names, or null for an in-memory or URI database.</summary>
    public static string? DatabaseFile(string connectionString) =>
        Parse(connectionString) is { } builder && IsFile(builder) ? Path.GetFullPath(builder.DataSource) : null;

    private static SqliteConnectionStringBuilder? Parse(string connectionString)
    {
        try
        {
            return new SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool IsFile(SqliteConnectionStringBuilder builder) =>
        !string.IsNullOrEmpty(builder.DataSource)
        && builder.DataSource != ":memory:"
        && !builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
        && builder.Mode != SqliteOpenMode.Memory;
}
