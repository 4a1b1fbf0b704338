namespace HubApp.Attachments;

/// <summary>Copies a stream in chunks, refusing it (<see cref="AttachmentTooLargeException"/>) as soon as it passes a bound.</summary>
internal static class BoundedCopy
{
    private const int ChunkSize = 81_920;

    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/>; answers the bytes copied.</summary>
    public static async Task<long> CopyAsync(Stream source, Stream target, long maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[ChunkSize];
        long total = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
            if (total > maxBytes)
            {
                throw new AttachmentTooLargeException(maxBytes);
            }

            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        return total;
    }
}
