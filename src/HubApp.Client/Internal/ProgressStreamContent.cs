using System.Net;

namespace HubApp.Client.Internal;

/// <summary>
/// A stream as HTTP content, copied chunk by chunk as the request is written (never read whole into memory), reporting
/// the bytes written so far after each chunk. Its length is known when the stream can seek, so the server learns the
/// size from <c>Content-Length</c> before the body and may refuse it at once. Unlike StreamContent it leaves the stream
/// open: the caller owns it.
/// </summary>
internal sealed class ProgressStreamContent(Stream source, IProgress<long>? progress) : HttpContent
{
    private const int ChunkSize = 64 * 1024;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = new byte[ChunkSize];
        long sent = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            sent += read;
            progress?.Report(sent);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        if (source.CanSeek)
        {
            length = source.Length - source.Position;
            return true;
        }

        length = 0;
        return false;
    }
}
