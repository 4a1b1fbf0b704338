using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Client;

/// <summary>HubApp.Client's uploads and downloads (contract v3, "Attachments") against the real host, over real sockets.</summary>
public sealed class ChatClientAttachmentTests
{
    private const string Room = "files";

    [Theory]
    [InlineData(ChatProtocol.Json)]
    [InlineData(ChatProtocol.MessagePack)]
    public async Task FilesUploadedToARoomAndToAUserArePostedSeenByTheOtherClientAndReadBackByteForByte(ChatProtocol protocol)
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await using var bob = host.CreateClient("bob", protocol: protocol);
        await using var carol = await host.ConnectAsync("carol");
        var roomEntries = new Inbox<ChatMessage>();
        var direct = new Inbox<DirectMessage>();
        bob.MessageReceived += roomEntries.Add;
        bob.DirectMessageReceived += direct.Add;
        await bob.StartAsync().DefaultTimeout();
        await alice.JoinRoomAsync(Room).DefaultTimeout();
        await bob.JoinRoomAsync(Room).DefaultTimeout();
        var big = RandomNumberGenerator.GetBytes(300 * 1024);
        var small = RandomNumberGenerator.GetBytes(2000);

        var toRoom = await alice.UploadAsync(AttachmentTarget.Room(Room), new MemoryStream(big), "data.bin").DefaultTimeout();
        var toBob = await alice.UploadAsync(AttachmentTarget.User("bob"), new MemoryStream(small), "notes.bin").DefaultTimeout();
        var posted = await alice.PostAsync(Room, new Draft("the data", AttachmentIds: [toRoom.Id])).DefaultTimeout();
        var sent = await alice.PostDirectAsync("bob", new Draft(string.Empty, AttachmentIds: [toBob.Id])).DefaultTimeout();
        var seen = await roomEntries.NextAsync(m => m.Id == posted.Id);
        var seenDirect = await direct.NextAsync(m => m.Id == sent.Id);

        Assert.Equal(("data.bin", (long)big.Length), (toRoom.Name, toRoom.Size));
        Assert.Equal(toRoom.Id, Assert.Single(seen.Attachments!).Id);
        Assert.Equal(toBob.Id, Assert.Single(seenDirect.Attachments!).Id);
        await using (var download = await bob.OpenAttachmentAsync(toRoom.Id).DefaultTimeout())
        {
            // Random bytes are no image: served to be saved, under their name, as the server typed them.
            Assert.Equal(((long?)big.Length, "data.bin", toRoom.ContentType, false), (download.Length, download.FileName, download.ContentType, download.Inline));
        }

        Assert.Equal(big, await ReadAllAsync(bob, toRoom.Id));
        Assert.Equal(small, await ReadAllAsync(bob, toBob.Id));
        Assert.Equal(small, await ReadAllAsync(alice, toBob.Id));
        // Not hers to read: the same answer as for a file that does not exist.
        var notHers = await Assert.ThrowsAsync<ChatException>(() => carol.OpenAttachmentAsync(toBob.Id).DefaultTimeout());
        var none = await Assert.ThrowsAsync<ChatException>(() => carol.OpenAttachmentAsync("no-such-file").DefaultTimeout());
        Assert.Equal((ErrorCodes.NotFound, ErrorCodes.NotFound), (notHers.Code, none.Code));
    }

    [Fact]
    public async Task UploadsOverTheLimitAreAttachmentTooLargeWhetherTheSizeIsKnownOrNotAndACancelledOneLeavesTheClientWorking()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Attachments:MaxBytes"] = "65536" });
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync(Room).DefaultTimeout();
        var target = AttachmentTarget.Room(Room);

        var known = await Assert.ThrowsAsync<ChatException>(() => alice.UploadAsync(target, new MemoryStream(RandomNumberGenerator.GetBytes(1024 * 1024)), "known.bin").DefaultTimeout());
        var chunked = await Assert.ThrowsAsync<ChatException>(() => alice.UploadAsync(target, Unseekable(RandomNumberGenerator.GetBytes(1024 * 1024)), "chunked.bin").DefaultTimeout());
        var empty = await Assert.ThrowsAsync<ChatException>(() => alice.UploadAsync(target, new MemoryStream(), "empty.bin").DefaultTimeout());
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(RandomNumberGenerator.GetBytes(16 * 1024));
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource();
        var stuck = alice.UploadAsync(target, pipe.Reader.AsStream(), "stuck.bin", new Progress<long>(bytes => sent.TrySetResult()), cts.Token);
        await sent.Task.DefaultTimeout();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stuck.DefaultTimeout());
        var fits = await alice.UploadAsync(target, new MemoryStream(RandomNumberGenerator.GetBytes(60 * 1024)), "fits.bin").DefaultTimeout();

        Assert.Equal((ErrorCodes.AttachmentTooLarge, ErrorCodes.AttachmentTooLarge, ErrorCodes.InvalidAttachment), (known.Code, chunked.Code, empty.Code));
        Assert.Equal(60 * 1024, fits.Size);
    }

    private static async Task<byte[]> ReadAllAsync(ChatClient client, string id)
    {
        await using var download = await client.OpenAttachmentAsync(id).DefaultTimeout();
        using var copy = new MemoryStream();
        await download.Content.CopyToAsync(copy).DefaultTimeout();
        return copy.ToArray();
    }

    private static Stream Unseekable(byte[] bytes)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        pipe.Writer.Write(bytes);
        pipe.Writer.Complete();
        return pipe.Reader.AsStream();
    }
}
