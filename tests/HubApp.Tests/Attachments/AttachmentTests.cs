using System.Net;
using System.Net.Http.Headers;
using HubApp.Contracts;
using HubApp.Testing;
using static HubApp.Tests.Attachments.AttachmentHttp;

namespace HubApp.Tests.Attachments;

/// <summary>
/// Attachments over the real host (contract v3, "Attachments"): upload, what the bytes are, images re-encoded, the rights
/// to download, Range and HEAD. A subclass picks the store and the provider.
/// </summary>
public abstract partial class AttachmentTests
{
    private static readonly byte[] Pdf = "%PDF-1.7\n% a test document\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"u8.ToArray();

    private protected abstract Task<HubAppHost> StartAsync(IDictionary<string, string?>? settings = null);

    [Fact]
    public async Task APngNamedPdfIsAnImageWithItsSizeAThumbnailAndAnInlineAnswer()
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();

        var uploaded = await UploadOkAsync(http, "alice", "rooms/general", "report.pdf", TestImages.Png(640, 480));

        Assert.Equal(("report.pdf", "image/png", 640, 480), (uploaded.Name, uploaded.ContentType, uploaded.Width, uploaded.Height));
        Assert.Equal(22, uploaded.Id.Length);
        Assert.Equal(($"/api/attachments/{uploaded.Id}", $"/api/attachments/{uploaded.Id}/thumbnail"), (uploaded.Url, uploaded.ThumbnailUrl));
        using var file = await GetAsync(http, "alice", uploaded.Url);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("image/png", file.Content.Headers.ContentType!.MediaType);
        Assert.Equal("inline", file.Content.Headers.ContentDisposition!.DispositionType);
        AssertSafeHeaders(file);
        var bytes = await file.Content.ReadAsByteArrayAsync();
        Assert.Equal(uploaded.Size, bytes.Length);
        Assert.Equal((640, 480), TestImages.SizeOf(bytes));
        using var thumbnail = await GetAsync(http, "alice", uploaded.ThumbnailUrl!);
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        Assert.Equal("image/png", thumbnail.Content.Headers.ContentType!.MediaType);
        Assert.Equal((320, 240), TestImages.SizeOf(await thumbnail.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task AnHtmlFileNamedPngIsNoImageAndIsServedAsAnAttachmentWithItsName()
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();
        var html = "<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"u8.ToArray();

        var uploaded = await UploadOkAsync(http, "alice", "rooms/general", "x.png", html);

        Assert.Equal(("application/octet-stream", (int?)null, (int?)null, (string?)null), (uploaded.ContentType, uploaded.Width, uploaded.Height, uploaded.ThumbnailUrl));
        using var file = await GetAsync(http, "alice", uploaded.Url);
        Assert.Equal("application/octet-stream", file.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", file.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("x.png", file.Content.Headers.ContentDisposition.FileNameStar);
        AssertSafeHeaders(file);
        Assert.Equal(html, await file.Content.ReadAsByteArrayAsync());
        using var thumbnail = await GetAsync(http, "alice", uploaded.Url + "/thumbnail");
        Assert.Equal(HttpStatusCode.NotFound, thumbnail.StatusCode);
        AssertSafeHeaders(thumbnail);
    }

    [Fact]
    public async Task AJpegIsStoredWithoutItsExifLocation()
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();
        var original = TestImages.JpegWithExifLocation(400, 300);
        Assert.True(TestImages.Contains(original, "Exif") && TestImages.Contains(original, TestImages.SecretLocation));

        var uploaded = await UploadOkAsync(http, "alice", "rooms/general", "holiday.jpg", original);

        Assert.Equal(("image/jpeg", 400, 300), (uploaded.ContentType, uploaded.Width, uploaded.Height));
        using var file = await GetAsync(http, "alice", uploaded.Url);
        var stored = await file.Content.ReadAsByteArrayAsync();
        Assert.False(TestImages.Contains(stored, "Exif"));
        Assert.False(TestImages.Contains(stored, TestImages.SecretLocation));
        Assert.Equal((400, 300), TestImages.SizeOf(stored));
        using var thumbnail = await GetAsync(http, "alice", uploaded.ThumbnailUrl!);
        Assert.Equal("image/jpeg", thumbnail.Content.Headers.ContentType!.MediaType);
        var small = await thumbnail.Content.ReadAsByteArrayAsync();
        Assert.False(TestImages.Contains(small, "Exif"));
        Assert.Equal((320, 240), TestImages.SizeOf(small));
    }

    [Fact]
    public async Task ADecompressionBombIsRefusedWithoutBeingDecoded()
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();
        var bomb = TestImages.PngClaiming(50_000, 50_000);
        Assert.True(bomb.Length < 100);

        using var response = await UploadAsync(http, "alice", "rooms/general", "bomb.png", bomb);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(ErrorCodes.InvalidAttachment, await CodeAsync(response));
        // The host is alive and stores the next upload.
        await UploadOkAsync(http, "alice", "rooms/general", "fine.png", TestImages.Png(10, 10));
    }

    [Fact]
    public async Task RangeHeadAndETagAreAnswered()
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();
        var bytes = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        var uploaded = await UploadOkAsync(http, "alice", "rooms/general", "data.bin", bytes);

        using var range = await GetAsync(http, "alice", uploaded.Url, r => r.Headers.Range = new RangeHeaderValue(0, 99));
        Assert.Equal(HttpStatusCode.PartialContent, range.StatusCode);
        Assert.Equal(bytes[..100], await range.Content.ReadAsByteArrayAsync());
        Assert.Equal((0L, 99L, 1000L), (range.Content.Headers.ContentRange!.From!.Value, range.Content.Headers.ContentRange.To!.Value, range.Content.Headers.ContentRange.Length!.Value));
        AssertSafeHeaders(range);

        using var head = await GetAsync(http, "alice", uploaded.Url, method: HttpMethod.Head);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(1000L, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        var etag = head.Headers.ETag!;
        Assert.False(etag.IsWeak);

        using var full = await GetAsync(http, "alice", uploaded.Url);
        Assert.Equal(etag, full.Headers.ETag);
        using var unchanged = await GetAsync(http, "alice", uploaded.Url, r => r.Headers.IfNoneMatch.Add(etag));
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
    }

    [Fact]
    public async Task TheTokenMayComeInTheQueryForADownloadOnly()
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();
        var uploaded = await UploadOkAsync(http, "alice", "rooms/general", "a.pdf", Pdf);
        var token = TestTokens.Create("alice", "alice");

        using var download = await GetAsync(http, null, $"{uploaded.Url}?access_token={token}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());
        using var withoutToken = await GetAsync(http, null, uploaded.Url);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutToken.StatusCode);
        AssertSafeHeaders(withoutToken);
        using var history = await GetAsync(http, null, $"/api/rooms/general/messages?access_token={token}");
        Assert.Equal(HttpStatusCode.Unauthorized, history.StatusCode);
    }

    private static void AssertSafeHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("sandbox; default-src 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
    }
}
