using System.Threading.Channels;
using HubApp.Storage;
using Microsoft.Extensions.Options;

namespace HubApp.Attachments;

/// <summary>
/// Deletes what no one may download any more. Right after a batch commits, the bytes of the uploads whose descriptions
/// it removed (a deleted or pruned message's files, <see cref="AppendResult.RemovedUploads"/>). And every
/// <see cref="AttachmentsOptions.EffectiveSweepInterval"/>: the uploads no message used within
/// <c>Attachments:UnusedLifetime</c>, description and bytes; the bytes whose description is gone (a crash between the
/// two deletes, a queue that overflowed, an upload on this node expired by another); and what a crash left mid-write
/// (the provider's temporary files, staged uploads) once older than <see cref="AbandonedAge"/>. Each in bounded batches.
/// </summary>
/// <remarks>
/// On a cluster every node sweeps: each delete is idempotent, an unused description is removed (and answered) by one
/// node only, and bytes are only ever stored under a described id (<see cref="AttachmentUploads"/> describes first),
/// so bytes without a description are garbage whoever finds them; no lock is needed.
/// </remarks>
internal sealed partial class AttachmentSweeper(
    IAttachmentStore store,
    IAttachmentContent content,
    AttachmentCount count,
    IOptions<AttachmentsOptions> options,
    IHostEnvironment environment,
    TimeProvider time,
    ILogger<AttachmentSweeper> logger) : BackgroundService, ICommitListener
{
    /// <summary>How old a temporary or staged file must be before it counts as left behind: no upload takes this long.</summary>
    public static readonly TimeSpan AbandonedAge = TimeSpan.FromHours(1);

    /// <summary>Descriptions removed, or keys checked, per statement.</summary>
    private const int BatchSize = 500;

    /// <summary>The most unused uploads one sweep removes; the next sweep goes on.</summary>
    private const int MaxBatchesPerSweep = 20;

    // Bounded: when full, ids are dropped, and the sweep finds their bytes without a description.
    private readonly Channel<string> _removed = Channel.CreateBounded<string>(
        new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    private readonly AttachmentsOptions _options = options.Value;

    public void OnCommitted(AppendResult stored)
    {
        foreach (var id in stored.RemovedUploads ?? [])
        {
            _removed.Writer.TryWrite(id);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(DeleteRemovedAsync(stoppingToken), SweepLoopAsync(stoppingToken));

    /// <summary>One sweep; answers the unused uploads and the orphaned keys it removed.</summary>
    public async Task<(int Unused, int Orphans)> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var unused = 0;
        for (var batch = 0; batch < MaxBatchesPerSweep; batch++)
        {
            var ids = await store.RemoveUnusedUploadsAsync(now - _options.UnusedLifetime, BatchSize, cancellationToken);
            foreach (var id in ids)
            {
                await DeleteBytesAsync(id, cancellationToken);
            }

            unused += ids.Count;
            if (ids.Count < BatchSize)
            {
                break;
            }
        }

        var orphans = 0;
        await foreach (var keys in content.ListKeysAsync(cancellationToken).Chunk(BatchSize).WithCancellation(cancellationToken))
        {
            var known = await store.FindKnownUploadsAsync([.. keys.Select(IAttachmentContent.UploadIdOf).Distinct(StringComparer.Ordinal)], cancellationToken);
            foreach (var key in keys.Where(key => !known.Contains(IAttachmentContent.UploadIdOf(key))))
            {
                await content.DeleteAsync(key, cancellationToken);
                orphans++;
            }
        }

        var abandoned = await content.RemoveAbandonedAsync(now - AbandonedAge, cancellationToken) + RemoveAbandonedStaging(now - AbandonedAge);
        await count.RefreshAsync(cancellationToken);
        if (unused + orphans + abandoned > 0)
        {
            LogSwept(logger, unused, orphans, abandoned);
        }

        return (unused, orphans);
    }

    private async Task DeleteRemovedAsync(CancellationToken stoppingToken)
    {
        await foreach (var id in _removed.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await DeleteBytesAsync(id, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The sweep finds these bytes without a description and deletes them then.
                LogDeleteFailed(logger, ex);
            }
        }
    }

    private async Task SweepLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.EffectiveSweepInterval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSweepFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task DeleteBytesAsync(string id, CancellationToken cancellationToken)
    {
        await content.DeleteAsync(id, cancellationToken);
        await content.DeleteAsync(IAttachmentContent.ThumbnailKey(id), cancellationToken);
    }

    /// <summary>Staged uploads (<see cref="AttachmentUploads"/>) a crash left in the staging folder.</summary>
    private int RemoveAbandonedStaging(DateTime writtenBefore)
    {
        var staging = AttachmentPaths.Staging(_options, environment);
        if (!Directory.Exists(staging))
        {
            return 0;
        }

        var removed = 0;
        foreach (var path in Directory.EnumerateFiles(staging).Where(path => File.GetLastWriteTimeUtc(path) < writtenBefore))
        {
            File.Delete(path);
            removed++;
        }

        return removed;
    }

    [LoggerMessage(EventId = 260, Level = LogLevel.Information, Message = "Attachments swept: {Unused} unused uploads, {Orphans} files without an upload, {Abandoned} left by a crash.")]
    private static partial void LogSwept(ILogger logger, int unused, int orphans, int abandoned);

    [LoggerMessage(EventId = 261, Level = LogLevel.Warning, Message = "The attachment sweep failed; the next one tries again.")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 262, Level = LogLevel.Warning, Message = "A deleted message's file could not be deleted; the sweep will.")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception);
}

/// <summary>
/// <c>hubapp.attachments.stored</c>: the store's count of uploads, read at most every <see cref="MaxAge"/> — a scrape gets
/// the last count at once and starts a fresh one when it is older, so a scrape never waits for the store.
/// </summary>
internal sealed class AttachmentCount(IAttachmentStore store, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private long _count;
    private long _readAt;
    private int _reading;

    /// <summary>The last count; a fresh one is started when it is older than <see cref="MaxAge"/>.</summary>
    public long Read()
    {
        var readAt = Volatile.Read(ref _readAt);
        if (readAt == 0 || time.GetElapsedTime(readAt) > MaxAge)
        {
            _ = RefreshAsync(CancellationToken.None);
        }

        return Volatile.Read(ref _count);
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _reading, 1) == 1)
        {
            return;
        }

        try
        {
            Volatile.Write(ref _count, await store.CountUploadsAsync(cancellationToken));
            Volatile.Write(ref _readAt, time.GetTimestamp());
        }
        catch (StoreUnavailableException)
        {
            // The last count stands; the next read tries again.
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }
}
