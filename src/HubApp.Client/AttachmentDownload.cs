namespace HubApp.Client;

/// <summary>
/// An attachment being downloaded: <see cref="Content"/> reads the body as it arrives from the server (nothing is
/// buffered whole). Dispose it to release the connection.
/// </summary>
public sealed class AttachmentDownload : IAsyncDisposable, IDisposable
{
    private readonly HttpResponseMessage _response;

    internal AttachmentDownload(HttpResponseMessage response, Stream content)
    {
        _response = response;
        Content = content;
        var headers = response.Content.Headers;
        ContentType = headers.ContentType?.MediaType ?? "application/octet-stream";
        Length = headers.ContentLength;
        FileName = (headers.ContentDisposition?.FileNameStar ?? headers.ContentDisposition?.FileName)?.Trim('"');
        Inline = string.Equals(headers.ContentDisposition?.DispositionType, "inline", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The file's bytes, streamed.</summary>
    public Stream Content { get; }

    /// <summary>What the server found in the bytes (<c>image/png</c>, …), not what the uploader claimed.</summary>
    public string ContentType { get; }

    /// <summary>The body's length, when the server said it.</summary>
    public long? Length { get; }

    /// <summary>The name the server gives it in <c>Content-Disposition</c>, if any. Never trust it as a path.</summary>
    public string? FileName { get; }

    /// <summary>Whether the server serves it to be shown (images) rather than saved.</summary>
    public bool Inline { get; }

    public async ValueTask DisposeAsync()
    {
        await Content.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
    }

    public void Dispose()
    {
        Content.Dispose();
        _response.Dispose();
    }
}
