using System.Collections.Concurrent;
using HubApp.Client.Tests.TestHost;
using HubApp.Contracts;

namespace HubApp.Client.Tests;

// Attachments (contract v3): uploads and downloads over HTTP beside the hub, and drafts that carry them on the outbox.
public sealed partial class ChatClientTests
{
    [Fact]
    public async Task UploadAsync_sends_a_file_to_a_room_and_to_a_user_with_the_token_reports_its_progress_and_OpenAttachmentAsync_reads_it_back()
    {
        var client = CreateClient(accessTokenProvider: _ => ValueTask.FromResult<string?>("t1"));
        var bytes = RandomBytes(300 * 1024);
        var progress = new ProgressLog();

        var toRoom = await client.UploadAsync(AttachmentTarget.Room(Room), new MemoryStream(bytes), "report.pdf", progress).WaitAsync(Timeouts.Default);
        var toUser = await client.UploadAsync(AttachmentTarget.User("bob b"), new MemoryStream(bytes[..10]), "résumé (1).txt").WaitAsync(Timeouts.Default);
        await using var download = await client.OpenAttachmentAsync(toRoom.Id).WaitAsync(Timeouts.Default);
        using var read = new MemoryStream();
        await download.Content.CopyToAsync(read).WaitAsync(Timeouts.Default);

        Assert.Equal(("report.pdf", (long)bytes.Length), (toRoom.Name, toRoom.Size));
        Assert.Equal(("résumé (1).txt", 10L), (toUser.Name, toUser.Size));
        Assert.Equal(bytes, _chat.Attachments.Bytes(toRoom.Id));
        Assert.Equal(
            [("/api/rooms/lobby/attachments", "Bearer t1"), ("/api/direct/bob b/attachments", "Bearer t1")],
            _chat.Attachments.Requests.Select(r => (r.Path, r.Authorization)));
        // A stream that can seek gives its size first, so the server can refuse a file too large before it is sent.
        Assert.All(_chat.Attachments.Requests, r => Assert.NotNull(r.ContentLength));
        Assert.True(progress.Values.Count > 1);
        Assert.Equal(progress.Values.Order(), progress.Values);
        Assert.Equal(bytes.Length, progress.Values[^1]);
        Assert.Equal(bytes, read.ToArray());
        Assert.Equal((bytes.Length, "report.pdf", "application/octet-stream"), (download.Length, download.FileName, download.ContentType));
    }

    [Fact]
    public async Task An_upload_is_streamed_the_server_reads_the_start_of_a_file_before_the_rest_of_it_exists()
    {
        var client = CreateClient();
        var serverHasTheStart = ServerReceived(32 * 1024);
        // The second half is made only once the server holds the first: a client that read the file whole first would wait for ever.
        var source = new GatedStream(RandomBytes(64 * 1024), serverHasTheStart, RandomBytes(64 * 1024));

        var attachment = await client.UploadAsync(AttachmentTarget.Room(Room), source, "big.bin").WaitAsync(Timeouts.Default);

        Assert.Equal(128 * 1024, attachment.Size);
        Assert.Equal(source.Written, _chat.Attachments.Bytes(attachment.Id));
        Assert.Null(_chat.Attachments.Requests.Single().ContentLength);
    }

    [Fact]
    public async Task Cancelling_an_upload_midway_ends_it_with_OperationCanceledException_and_the_client_uploads_again_afterwards()
    {
        var client = CreateClient();
        var serverHasTheStart = ServerReceived(32 * 1024);
        using var cts = new CancellationTokenSource();
        var never = new TaskCompletionSource();
        var source = new GatedStream(RandomBytes(64 * 1024), never.Task, RandomBytes(64 * 1024));

        var upload = client.UploadAsync(AttachmentTarget.Room(Room), source, "stuck.bin", null, cts.Token);
        await serverHasTheStart.WaitAsync(Timeouts.Default);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => upload.WaitAsync(Timeouts.Default));
        Assert.Equal(0, _chat.Attachments.Stored);
        var next = await client.UploadAsync(AttachmentTarget.Room(Room), new MemoryStream([1, 2, 3]), "next.bin").WaitAsync(Timeouts.Default);
        Assert.Equal(3, next.Size);
    }

    [Fact]
    public async Task Refused_uploads_and_downloads_are_ChatExceptions_with_the_contracts_codes()
    {
        var client = CreateClient();
        _chat.Attachments.MaxBytes = 1000;

        var tooLarge = await Assert.ThrowsAsync<ChatException>(() => client.UploadAsync(AttachmentTarget.Room(Room), new MemoryStream(RandomBytes(1024 * 1024)), "big.bin").WaitAsync(Timeouts.Default));
        var empty = await Assert.ThrowsAsync<ChatException>(() => client.UploadAsync(AttachmentTarget.Room(Room), new MemoryStream(), "empty.txt").WaitAsync(Timeouts.Default));
        var missing = await Assert.ThrowsAsync<ChatException>(() => client.OpenAttachmentAsync("no-such-file").WaitAsync(Timeouts.Default));

        Assert.Equal((ErrorCodes.AttachmentTooLarge, ErrorCodes.InvalidAttachment, ErrorCodes.NotFound), (tooLarge.Code, empty.Code, missing.Code));
        Assert.Equal(0, _chat.Attachments.Stored);
    }

    [Fact]
    public async Task A_draft_with_attachmentIds_whose_acknowledgement_was_lost_is_posted_again_by_its_clientMessageId_and_stored_once_with_its_files()
    {
        var (client, messages) = await StartJoinedClientAsync();
        var file = await client.UploadAsync(AttachmentTarget.Room(Room), new MemoryStream([1, 2, 3]), "a.txt").WaitAsync(Timeouts.Default);
        LoseTheFirstAcknowledgement(client, out var reconnected);

        var posted = await client.PostAsync(Room, new Draft(string.Empty, AttachmentIds: [file.Id])).WaitAsync(Timeouts.Default);
        await reconnected.WaitForCountAsync(1);

        var posts = _chat.Posts.Where(p => p.Method == nameof(FakeChatHub.Post)).ToArray();
        Assert.Equal(2, posts.Length);
        Assert.Single(posts.Select(p => p.ClientMessageId).Distinct());
        var stored = Assert.Single(_chat.Snapshot(Room, 0).Messages);
        Assert.Equal([file], stored.Attachments!);
        Assert.Equal([file], posted.Attachments!);
        await messages.WaitForCountAsync(1);
        Assert.Equal([file], Assert.Single(messages.Items).Attachments!);
    }

    // Completes once the fake server has read this many bytes of an upload's file.
    private Task ServerReceived(long bytes)
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _chat.Attachments.WhileReceiving = read =>
        {
            if (read >= bytes)
            {
                received.TrySetResult();
            }

            return Task.CompletedTask;
        };
        return received.Task;
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Records progress as it is reported, on the reporting thread (Progress&lt;T&gt; would post it elsewhere, out of order).</summary>
    private sealed class ProgressLog : IProgress<long>
    {
        private readonly ConcurrentQueue<long> _values = new();

        public IReadOnlyList<long> Values => [.. _values];

        public void Report(long value) => _values.Enqueue(value);
    }

    /// <summary>A stream that cannot seek: it gives <c>first</c>, then waits for <c>gate</c> (or the read's cancellation), then gives <c>rest</c>.</summary>
    private sealed class GatedStream(byte[] first, Task gate, byte[] rest) : Stream
    {
        private int _position;

        public byte[] Written => [.. first, .. rest];

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position == first.Length)
            {
                await gate.WaitAsync(cancellationToken);
            }

            var all = Written;
            var count = Math.Min(buffer.Length, (_position < first.Length ? first.Length : all.Length) - _position);
            all.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read asynchronously.");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
