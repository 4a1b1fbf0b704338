using HubApp.Storage;
using Microsoft.Extensions.Options;

namespace HubApp.Attachments;

/// <summary>
/// <c>Attachments:Provider=filesystem</c>: one file per key under <c>Attachments:Path</c>. A file is written under a
/// temporary name in the same directory, flushed to the disk, then renamed (atomic on one file system), so a key names
/// a whole file or nothing, whatever crashes when.
/// </summary>
internal sealed class FileSystemAttachmentContent(IOptions<AttachmentsOptions> options, IHostEnvironment environment) : IAttachmentContent
{
    /// <summary>What a file is called while it is written; one left behind (a crash) is removed by the sweep.</summary>
    private const string TemporarySuffix = ".tmp";

    private readonly string _directory = AttachmentPaths.Directory(options.Value, environment);

    public async Task<long> WriteAsync(string key, Stream source, long maxBytes, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_directory);
        var temporary = Path.Combine(_directory, $"{key}.{Guid.NewGuid():N}{TemporarySuffix}");
        try
        {
            long written;
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                written = await BoundedCopy.CopyAsync(source, file, maxBytes, cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, PathOf(key), overwrite: true);
            return written;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult<Stream?>(new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.Asynchronous));
        }
        catch (FileNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    public IAsyncEnumerable<string> ListKeysAsync(CancellationToken cancellationToken) => Keys().ToAsyncEnumerable();

    public Task<int> RemoveAbandonedAsync(DateTime writtenBefore, CancellationToken cancellationToken)
    {
        var removed = 0;
        if (Directory.Exists(_directory))
        {
            foreach (var path in Directory.EnumerateFiles(_directory, "*" + TemporarySuffix))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (File.GetLastWriteTimeUtc(path) < writtenBefore)
                {
                    File.Delete(path);
                    removed++;
                }
            }
        }

        return Task.FromResult(removed);
    }

    private IEnumerable<string> Keys() =>
        Directory.Exists(_directory)
            ? Directory.EnumerateFiles(_directory).Select(Path.GetFileName).OfType<string>()
                .Where(key => !key.EndsWith(TemporarySuffix, StringComparison.Ordinal) && !key.StartsWith('.'))
            : [];

    // Keys are upload ids (base64url) and their suffixes: never a path of their own.
    private string PathOf(string key) =>
        key.Length is > 0 and <= 64 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && !key.StartsWith('.')
            ? Path.Combine(_directory, key)
            : throw new ArgumentException("Not an attachment key.", nameof(key));
}

/// <summary>Where files and staged uploads go on this node's disk.</summary>
internal static class AttachmentPaths
{
    /// <summary><c>Attachments:Path</c>, against the content root when relative.</summary>
    public static string Directory(AttachmentsOptions options, IHostEnvironment environment) =>
        Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Path));

    /// <summary>Where an upload's bytes wait while they arrive and are checked, beside the files (one file system).</summary>
    public static string Staging(AttachmentsOptions options, IHostEnvironment environment) => Path.Combine(Directory(options, environment), ".incoming");
}
