using HubApp.Configuration;
using Microsoft.Extensions.Options;

namespace HubApp.Storage;

/// <summary>
/// One host per SQLite file. Two hosts on one file would each deliver only their own users' messages live and hand
/// out room ids from one sequence, so their users would miss each other's messages for good: a second host stops
/// at start-up instead. The lock is an exclusive <c>flock</c> on a file beside the database (SQLite's own locks are
/// <c>fcntl</c> ones and do not meet it), held for the life of the process and dropped by the kernel when it ends,
/// however it ends. The check also finds a file that cannot be created or written before anything else starts.
/// </summary>
internal sealed class SqliteFileLock(IOptions<StorageOptions> storage) : IStartupCheck, IDisposable
{
    private FileStream? _lock;

    public Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        var options = storage.Value;
        if (options.Provider != StorageOptions.Sqlite || SqlitePath.DatabaseFile(options.SqliteConnectionString) is not { } file)
        {
            return Task.FromResult<string?>(null);
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            using (new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult<string?>($"the SQLite file {file} (ConnectionStrings:Sqlite) cannot be created or written: {ex.Message}");
        }

        try
        {
            _lock = new FileStream(file + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return Task.FromResult<string?>(null);
        }
        catch (IOException)
        {
            return Task.FromResult<string?>(
                $"the SQLite file {file} (ConnectionStrings:Sqlite) is in use by another HubApp host; one host per file (several nodes share Storage:Provider=postgres).");
        }
        catch (UnauthorizedAccessException ex)
        {
            return Task.FromResult<string?>($"the SQLite file's lock {file}.lock (ConnectionStrings:Sqlite) cannot be created: {ex.Message}");
        }
    }

    public void Dispose() => _lock?.Dispose();
}
