using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HubApp.Client.Internal;
using HubApp.Contracts;

namespace HubApp.Client;

// Attachments (contract v3): files travel over HTTP beside the hub, to the same server with the same token and headers;
// a message carries their ids in its draft (PostAsync, PostDirectAsync), so the outbox posts it again after a lost
// connection like any other and the server stores it, with its files, once. Uploads and downloads are streamed: the
// client never holds a whole file in memory.
public sealed partial class ChatClient
{
    private static readonly JsonSerializerOptions AttachmentJson = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;

    /// <summary>
    /// Uploads one file for a message in <paramref name="target"/> and returns its description; post it with its id in
    /// <see cref="Draft.AttachmentIds"/>. The body is read from <paramref name="content"/> as it is sent, from its
    /// current position (a stream that can seek tells the server its size first, so a file over the limit is refused
    /// before it is sent); <paramref name="progress"/> hears the bytes of the file sent so far. Works whether or not the
    /// hub connection is up. The caller keeps <paramref name="content"/> and disposes it.
    /// </summary>
    /// <exception cref="ChatException">
    /// <c>attachment_too_large</c> (over <c>Attachments:MaxBytes</c>), <c>invalid_attachment</c> (an empty file, a bad
    /// name), <c>rate_limited</c> (past the upload allowance), <c>forbidden</c>, <c>not_found</c>, <c>unavailable</c>.
    /// </exception>
    /// <exception cref="HttpRequestException">No answer, or one that carries no code of the contract (401, say).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled; nothing usable was stored.</exception>
    public async Task<Attachment> UploadAsync(AttachmentTarget target, Stream content, string fileName, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(fileName);
        var file = new ProgressStreamContent(content, progress);
        // The server checks the name; the header only has to carry it whole: filename* (RFC 5987) for servers that read it,
        // filename (MIME-encoded when not ASCII) for those that do not.
        file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"file\"", FileName = fileName, FileNameStar = fileName };
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var form = new MultipartFormDataContent { file };
        using var request = await NewRequestAsync(HttpMethod.Post, target.Path, ct).ConfigureAwait(false);
        request.Content = form;
        // The server may refuse from the headers alone (too large, not allowed, too many): then the body is never sent.
        request.Headers.ExpectContinue = true;
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await HttpRefusals.ToExceptionAsync(response, ct).ConfigureAwait(false);
        }

        return await response.Content.ReadFromJsonAsync<Attachment>(AttachmentJson, ct).ConfigureAwait(false)
            ?? throw new HttpRequestException("The server answered the upload without an attachment.");
    }

    /// <summary>
    /// Opens attachment <paramref name="id"/> for reading, streamed as it arrives; dispose the download to let the
    /// connection go. Readable by whoever may read the room or conversation of its message, and before it is posted by
    /// its uploader only.
    /// </summary>
    /// <exception cref="ChatException"><c>not_found</c> for a file that does not exist or that the user may not read (the same answer).</exception>
    /// <exception cref="HttpRequestException">No answer, or one that carries no code of the contract.</exception>
    public async Task<AttachmentDownload> OpenAttachmentAsync(string id, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        using var request = await NewRequestAsync(HttpMethod.Get, $"api/attachments/{Uri.EscapeDataString(id)}", ct).ConfigureAwait(false);
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        try
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await HttpRefusals.ToExceptionAsync(response, ct).ConfigureAwait(false);
            }

            var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            return new AttachmentDownload(response, body);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static HttpClient CreateHttpClient(ChatClientOptions options)
    {
        var handler = new SocketsHttpHandler();
        if (options.Proxy is not null)
        {
            handler.Proxy = options.Proxy;
        }

        // A 25 MB upload on a slow line takes minutes; the caller's token bounds it.
        return new HttpClient(handler) { BaseAddress = BaseUrl(options.ServerUrl), Timeout = Timeout.InfiniteTimeSpan };
    }

    private async Task<HttpRequestMessage> NewRequestAsync(HttpMethod method, string path, CancellationToken ct)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
        }

        var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in _options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        // The hub's provider, asked afresh for each request as for each connect: the token may have been renewed.
        if (_options.AccessTokenProvider is { } provider && await provider(ct).ConfigureAwait(false) is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }
}
