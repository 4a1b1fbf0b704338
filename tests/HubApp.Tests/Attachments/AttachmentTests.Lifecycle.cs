using System.Net;
using HubApp.Attachments;
using HubApp.Contracts;
using HubApp.Testing;
using Microsoft.Extensions.DependencyInjection;
using static HubApp.Tests.Attachments.AttachmentHttp;

namespace HubApp.Tests.Attachments;

// What happens to files after they are posted: deleted with their message, pruned with it, expired when never used.
public abstract partial class AttachmentTests
{
    [Fact]
    public async Task DeletingARoomMessageDeletesItsFilesAtOnceAndTheirBytesAfter()
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await alice.JoinAsync("room");
        var image = await UploadOkAsync(http, "alice", "rooms/room", "cat.png", TestImages.Png(64, 32));
        var pdf = await UploadOkAsync(http, "alice", "rooms/room", "paper.pdf", Pdf);
        var kept = await UploadOkAsync(http, "alice", "rooms/room", "kept.pdf", Pdf);
        var posted = await alice.PostAsync("room", new Draft("two files", AttachmentIds: [image.Id, pdf.Id]));
        await alice.PostAsync("room", new Draft("another", AttachmentIds: [kept.Id]));
        using (var before = await GetAsync(http, "bob", pdf.Url))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await alice.InvokeAsync<ChatMessage>(HubMethods.DeleteMessage, "room", posted.Id);

        await AssertGoneAsync(host, http, "bob", image);
        await AssertGoneAsync(host, http, "alice", pdf);
        await AssertStoredAsync(host, http, "bob", kept);
    }

    [Fact]
    public async Task DeletingADirectMessageDeletesItsFiles()
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        var image = await UploadOkAsync(http, "alice", "direct/bob", "sketch.jpg", TestImages.Jpeg(100, 50));
        var sent = await alice.InvokeAsync<DirectMessage>(HubMethods.PostDirect, "bob", new Draft("a sketch", AttachmentIds: [image.Id]));
        await AssertStoredAsync(host, http, "bob", image);

        await alice.InvokeAsync<DirectMessage>(HubMethods.DeleteDirectMessage, sent.Id);

        await AssertGoneAsync(host, http, "bob", image);
        using var asUploader = await GetAsync(http, "alice", image.Url);
        Assert.Equal(HttpStatusCode.NotFound, asUploader.StatusCode);
    }

    [Fact]
    public async Task PruningAMessageFromHistoryDeletesItsFilesInRoomsAndConversations()
    {
        // One message kept per log; pruning runs each time a log's count crosses a multiple of 64 (HistoryPruning.Step).
        await using var host = await StartAsync(new Dictionary<string, string?> { ["History:MaxMessagesPerRoom"] = "1" });
        using var http = host.CreateHttpClient();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await alice.JoinAsync("room");
        var inRoom = await UploadOkAsync(http, "alice", "rooms/room", "old.pdf", Pdf);
        var inConversation = await UploadOkAsync(http, "alice", "direct/bob", "old.png", TestImages.Png(40, 40));
        await alice.PostAsync("room", new Draft("the oldest", AttachmentIds: [inRoom.Id]));
        await alice.InvokeAsync<DirectMessage>(HubMethods.PostDirect, "bob", new Draft("the oldest", AttachmentIds: [inConversation.Id]));
        await AssertStoredAsync(host, http, "bob", inRoom);
        await AssertStoredAsync(host, http, "bob", inConversation);

        for (var i = 0; i < 64; i++)
        {
            await alice.SendAsync("room", $"newer {i}");
            await alice.SendDirectAsync("bob", $"newer {i}");
        }

        Assert.DoesNotContain(await alice.HistoryAsync("room", null, 100), m => m.Attachments is not null);
        await AssertGoneAsync(host, http, "alice", inRoom);
        await AssertGoneAsync(host, http, "alice", inConversation);
    }

    [Fact]
    public async Task AnUploadNeverUsedIsDeletedAfterItsLifetimeAndAUsedOneStays()
    {
        // Long enough for the used upload to be posted first on a busy machine; the sweep runs often.
        await using var host = await StartAsync(new Dictionary<string, string?>
        {
            ["Attachments:UnusedLifetime"] = "00:00:08",
            ["Attachments:SweepInterval"] = "00:00:00.200",
        });
        using var http = host.CreateHttpClient();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await alice.JoinAsync("room");
        var used = await UploadOkAsync(http, "alice", "rooms/room", "used.png", TestImages.Png(30, 30));
        await alice.PostAsync("room", new Draft("posted", AttachmentIds: [used.Id]));
        var unused = await UploadOkAsync(http, "alice", "rooms/room", "unused.png", TestImages.Png(30, 30));

        await AssertGoneAsync(host, http, "alice", unused);
        await AssertStoredAsync(host, http, "bob", used);
        Assert.Equal(ErrorCodes.NotFound, await RawChatConnection.RefusalAsync(() => alice.PostAsync("room", new Draft("too late", AttachmentIds: [unused.Id]))));
    }

    [Fact]
    public async Task BytesWithoutAnUploadAreSweptAndDescribedOnesStay()
    {
        await using var host = await StartAsync(new Dictionary<string, string?> { ["Attachments:SweepInterval"] = "00:00:00.200" });
        using var http = host.CreateHttpClient();
        var content = host.Services.GetRequiredService<IAttachmentContent>();
        var described = await UploadOkAsync(http, "alice", "rooms/room", "a.png", TestImages.Png(30, 30));
        // As a crash between a message's delete and its bytes' would leave them.
        const string orphan = "AAAAAAAAAAAAAAAAAAAAAA";
        using (var bytes = new MemoryStream(Pdf))
        {
            await content.WriteAsync(orphan, bytes, long.MaxValue, CancellationToken.None);
        }

        await WaitUntilAsync(async () => await content.OpenReadAsync(orphan, CancellationToken.None) is null);
        await AssertStoredAsync(host, http, "alice", described);
    }

    /// <summary>The file and its thumbnail answer 404 as an unknown id does, and their bytes leave the provider.</summary>
    private static async Task AssertGoneAsync(HubAppHost host, HttpClient http, string userId, Attachment attachment)
    {
        var content = host.Services.GetRequiredService<IAttachmentContent>();
        await WaitUntilAsync(async () =>
        {
            using var download = await GetAsync(http, userId, attachment.Url);
            return download.StatusCode == HttpStatusCode.NotFound;
        });
        using var unknown = await GetAsync(http, userId, "/api/attachments/AAAAAAAAAAAAAAAAAAAAAA");
        using var gone = await GetAsync(http, userId, attachment.Url);
        Assert.Equal((unknown.StatusCode, await CodeAsync(unknown)), (gone.StatusCode, await CodeAsync(gone)));
        if (attachment.ThumbnailUrl is { } thumbnailUrl)
        {
            using var thumbnail = await GetAsync(http, userId, thumbnailUrl);
            Assert.Equal(HttpStatusCode.NotFound, thumbnail.StatusCode);
        }

        foreach (var key in new[] { attachment.Id, IAttachmentContent.ThumbnailKey(attachment.Id) })
        {
            await WaitUntilAsync(async () => await content.OpenReadAsync(key, CancellationToken.None) is null);
        }
    }

    private static async Task AssertStoredAsync(HubAppHost host, HttpClient http, string userId, Attachment attachment)
    {
        using var download = await GetAsync(http, userId, attachment.Url);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        await using var stored = await host.Services.GetRequiredService<IAttachmentContent>().OpenReadAsync(attachment.Id, CancellationToken.None);
        Assert.Equal(attachment.Size, stored!.Length);
    }

    /// <summary>Polls <paramref name="done"/> until it holds, bounded by the default test timeout.</summary>
    private protected static async Task WaitUntilAsync(Func<Task<bool>> done)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not come to hold within the test timeout.");
            await Task.Delay(50);
        }
    }
}
