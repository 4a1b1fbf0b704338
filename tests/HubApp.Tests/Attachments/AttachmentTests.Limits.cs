using System.Net;
using HubApp.Contracts;
using HubApp.Testing;
using static HubApp.Tests.Attachments.AttachmentHttp;

namespace HubApp.Tests.Attachments;

// The bounds of an upload: its size (known from Content-Length, or while it streams), its name, its emptiness, the allowance.
public abstract partial class AttachmentTests
{
    [Fact]
    public async Task AnUploadWhoseContentLengthIsOverTheBoundIsRefused413AndTheConnectionClosed()
    {
        await using var host = await StartAsync(new Dictionary<string, string?> { ["Attachments:MaxBytes"] = "100000" });
        using var http = host.CreateHttpClient();

        using var response = await UploadAsync(http, "alice", "rooms/general", "big.bin", new byte[300_000]);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(ErrorCodes.AttachmentTooLarge, await CodeAsync(response));
        Assert.True(response.Headers.ConnectionClose);
        AssertSafeHeaders(response);
        await UploadOkAsync(http, "alice", "rooms/general", "small.bin", new byte[1000]);
    }

    [Fact]
    public async Task AChunkedUploadIsRefused413WhileItStreamsWithoutBeingReadToTheEnd()
    {
        await using var host = await StartAsync(new Dictionary<string, string?> { ["Attachments:MaxBytes"] = "100000" });
        // A raw socket: the body goes chunked (no Content-Length), and the answer is read while it is still being sent.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port).DefaultTimeout();
        var stream = tcp.GetStream();
        const string boundary = "b0undary";
        var head = $"POST /api/rooms/general/attachments HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\n"
            + $"Authorization: Bearer {TestTokens.Create("alice", "alice")}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head)).AsTask().DefaultTimeout();
        var answer = ReadAnswerAsync(stream);
        await WriteChunkAsync(stream, System.Text.Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"endless.bin\"\r\n\r\n"));
        // At most 64 MB: far past the bound, and far more than the server may read before it answers.
        long sent = 0;
        var chunk = new byte[16 * 1024];
        while (!answer.IsCompleted && sent < 64L * 1024 * 1024)
        {
            try
            {
                await WriteChunkAsync(stream, chunk);
                sent += chunk.Length;
            }
            catch (IOException)
            {
                break;
            }
        }

        var text = await answer.DefaultTimeout();
        Assert.StartsWith("HTTP/1.1 413", text, StringComparison.Ordinal);
        Assert.Contains(ErrorCodes.AttachmentTooLarge, text, StringComparison.Ordinal);
        Assert.True(sent < 64L * 1024 * 1024, "the server read the whole body before answering");

        static async Task WriteChunkAsync(Stream stream, byte[] data)
        {
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"{data.Length:x}\r\n")).AsTask().DefaultTimeout();
            await stream.WriteAsync(data).AsTask().DefaultTimeout();
            await stream.WriteAsync("\r\n"u8.ToArray()).AsTask().DefaultTimeout();
        }

        // The status line, headers and problem body: until the server closes the connection (at most 64 KB kept).
        static async Task<string> ReadAnswerAsync(Stream stream)
        {
            var received = new MemoryStream();
            var buffer = new byte[4096];
            try
            {
                int read;
                while (received.Length < 65_536 && (read = await stream.ReadAsync(buffer)) > 0)
                {
                    received.Write(buffer, 0, read);
                }
            }
            catch (IOException)
            {
                // A reset after the answer: what came is what counts.
            }

            return System.Text.Encoding.UTF8.GetString(received.ToArray());
        }
    }

    [Fact]
    public async Task AnEmptyFileIsRefused415()
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();

        using var response = await UploadAsync(http, "alice", "rooms/general", "empty.txt", []);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(ErrorCodes.InvalidAttachment, await CodeAsync(response));
    }

    [Theory]
    [InlineData("form-data; name=\"file\"; filename=\"\"")]
    [InlineData("form-data; name=\"file\"; filename=\"dir/evil.txt\"")]
    [InlineData("form-data; name=\"file\"; filename=\"..\\\\evil.txt\"")]
    [InlineData("form-data; name=\"file\"; filename*=UTF-8''bell%07.txt")]
    [InlineData("form-data; name=\"file\"; filename*=UTF-8''new%0Aline.txt")]
    [InlineData("form-data; name=\"file\"")]
    [InlineData("form-data; name=\"other\"; filename=\"a.txt\"")]
    public async Task ABadOrMissingFileNameIsRefused415(string disposition)
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();

        using var response = await UploadRawAsync(http, "alice", "rooms/general", disposition, "hello"u8.ToArray());

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(ErrorCodes.InvalidAttachment, await CodeAsync(response));
    }

    [Fact]
    public async Task ANameOf255CharactersIsTakenAndOf256Refused()
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();

        var longest = await UploadOkAsync(http, "alice", "rooms/general", new string('n', 251) + ".txt", "x"u8.ToArray());
        using var tooLong = await UploadAsync(http, "alice", "rooms/general", new string('n', 252) + ".txt", "x"u8.ToArray());

        Assert.Equal(255, longest.Name.Length);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, tooLong.StatusCode);
    }

    [Fact]
    public async Task UploadsPastTheAllowanceAreRefused429WithRetryAfter()
    {
        await using var host = await StartAsync(new Dictionary<string, string?> { ["Limits:UploadsPerMinute"] = "2" });
        using var http = host.CreateHttpClient();

        await UploadOkAsync(http, "alice", "rooms/general", "1.txt", "1"u8.ToArray());
        await UploadOkAsync(http, "alice", "direct/bob", "2.txt", "2"u8.ToArray());
        using var third = await UploadAsync(http, "alice", "rooms/general", "3.txt", "3"u8.ToArray());

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal(ErrorCodes.RateLimited, await CodeAsync(third));
        Assert.NotNull(third.Headers.RetryAfter);
        // Another user's allowance is their own.
        await UploadOkAsync(http, "bob", "rooms/general", "4.txt", "4"u8.ToArray());
    }

    [Fact]
    public async Task AUsersUnusedUploadsAreBoundedInBytesAndPostingThemFreesTheAllowance()
    {
        await using var host = await StartAsync(new Dictionary<string, string?> { ["Attachments:MaxUnusedBytesPerUser"] = "100" });
        using var http = host.CreateHttpClient();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await alice.JoinAsync("room");
        var sixty = new byte[60];
        sixty.AsSpan().Fill((byte)'x');

        var first = await UploadOkAsync(http, "alice", "rooms/room", "1.txt", sixty);
        using (var second = await UploadAsync(http, "alice", "direct/bob", "2.txt", sixty))
        {
            Assert.Equal((HttpStatusCode.TooManyRequests, ErrorCodes.RateLimited), (second.StatusCode, await CodeAsync(second)));
            AssertSafeHeaders(second);
        }

        // Another user's allowance is their own; a posted upload no longer counts.
        await UploadOkAsync(http, "carol", "rooms/room", "3.txt", sixty);
        await alice.PostAsync("room", new Draft("posted", AttachmentIds: [first.Id]));
        await UploadOkAsync(http, "alice", "rooms/room", "4.txt", sixty);
    }

    [Fact]
    public async Task DownloadsCountTowardTheReadAllowance()
    {
        // Per user: five times 1 a second, a burst of four times 1.
        await using var host = await StartAsync(new Dictionary<string, string?> { ["Limits:ReadsPerSecond"] = "1", ["Limits:ReadBurst"] = "1" });
        using var http = host.CreateHttpClient();
        var upload = await UploadOkAsync(http, "alice", "rooms/general", "a.pdf", Pdf);

        HttpStatusCode status = HttpStatusCode.OK;
        for (var i = 0; i < 100 && status == HttpStatusCode.OK; i++)
        {
            using var download = await GetAsync(http, "alice", upload.Url, method: HttpMethod.Head);
            status = download.StatusCode;
            if (status == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(download.Headers.RetryAfter);
                AssertSafeHeaders(download);
            }
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
    }

    [Fact]
    public async Task OnlyWhoMayPostInARoomUploadsThere()
    {
        await using var host = await StartAsync();
        await using var owner = await RawChatConnection.ConnectAsync(host.BaseAddress, "owner");
        await owner.InvokeAsync<RoomInfo>(HubMethods.CreateRoom, "secret", RoomKinds.Private, null);
        using var http = host.CreateHttpClient();

        using var outsider = await UploadAsync(http, "mallory", "rooms/secret", "a.txt", "a"u8.ToArray());
        using var badRoom = await UploadAsync(http, "mallory", "rooms/Bad%20Name", "a.txt", "a"u8.ToArray());
        using var badUser = await UploadAsync(http, "mallory", "direct/bad%20user", "a.txt", "a"u8.ToArray());

        Assert.Equal((HttpStatusCode.Forbidden, ErrorCodes.Forbidden), (outsider.StatusCode, await CodeAsync(outsider)));
        Assert.Equal((HttpStatusCode.BadRequest, ErrorCodes.InvalidRoom), (badRoom.StatusCode, await CodeAsync(badRoom)));
        Assert.Equal((HttpStatusCode.BadRequest, ErrorCodes.InvalidUser), (badUser.StatusCode, await CodeAsync(badUser)));
        await UploadOkAsync(http, "owner", "rooms/secret", "a.txt", "a"u8.ToArray());
    }
}
