using System.Net;
using HubApp.Contracts;
using HubApp.Testing;
using static HubApp.Tests.Attachments.AttachmentHttp;

namespace HubApp.Tests.Attachments;

// attachmentIds in Post and PostDirect, the messages that carry them on every read, and who may download them then.
public abstract partial class AttachmentTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AMessageWithAttachmentsIsDeliveredAndReadWithThemEverywhere(bool messagePack)
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice", messagePack: messagePack);
        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob", messagePack: messagePack);
        await alice.JoinAsync("room");
        await bob.JoinAsync("room");
        var image = await UploadOkAsync(http, "alice", "rooms/room", "cat.png", TestImages.Png(64, 32));
        var pdf = await UploadOkAsync(http, "alice", "rooms/room", "paper.pdf", Pdf);

        var posted = await alice.PostAsync("room", new Draft(string.Empty, "c-1", AttachmentIds: [pdf.Id, image.Id]));
        var received = await bob.Messages.NextAsync();

        Assert.Equal(string.Empty, posted.Text);
        Assert.Equal([pdf, image], posted.Attachments!);
        Assert.Equal(posted, received);
        Assert.Equal(posted, Assert.Single(await bob.HistoryAsync("room", null, 10)));
        Assert.Equal(posted, Assert.Single(await bob.MessagesAsync("room", posted.Id)));
        Assert.Equal(posted, Assert.Single((await bob.JoinAsync("room", sinceId: 0)).Messages));
        // A repeat of the client message id answers the first message, though its uploads are used now.
        Assert.Equal(posted, await alice.PostAsync("room", new Draft(string.Empty, "c-1", AttachmentIds: [pdf.Id, image.Id])));
        // Once posted, whoever reads the room downloads them.
        using var download = await GetAsync(http, "carol", pdf.Url);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("paper.pdf", download.Content.Headers.ContentDisposition!.FileNameStar);
        using var apiHistory = await GetAsync(http, "carol", "/api/rooms/room/messages");
        Assert.Contains(pdf.Id, await apiHistory.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AttachmentIdsMustBeTheCallersUnusedUploadsForThisRoom()
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob");
        await alice.JoinAsync("room");
        await bob.JoinAsync("room");
        var alices = await UploadOkAsync(http, "alice", "rooms/room", "a.pdf", Pdf);
        var otherRoom = await UploadOkAsync(http, "bob", "rooms/elsewhere", "b.pdf", Pdf);
        var forConversation = await UploadOkAsync(http, "bob", "direct/alice", "c.pdf", Pdf);
        var bobs = await UploadOkAsync(http, "bob", "rooms/room", "d.pdf", Pdf);

        Assert.Equal(ErrorCodes.NotFound, await RawChatConnection.RefusalAsync(() => bob.PostAsync("room", new Draft("mine?", AttachmentIds: [alices.Id]))));
        Assert.Equal(ErrorCodes.NotFound, await RawChatConnection.RefusalAsync(() => bob.PostAsync("room", new Draft("wrong room", AttachmentIds: [otherRoom.Id]))));
        Assert.Equal(ErrorCodes.NotFound, await RawChatConnection.RefusalAsync(() => bob.PostAsync("room", new Draft("a DM's", AttachmentIds: [forConversation.Id]))));
        Assert.Equal(ErrorCodes.NotFound, await RawChatConnection.RefusalAsync(() => bob.PostAsync("room", new Draft("unknown", AttachmentIds: ["AAAAAAAAAAAAAAAAAAAAAA"]))));
        Assert.Equal(ErrorCodes.NotFound, await RawChatConnection.RefusalAsync(() => bob.PostAsync("room", new Draft("malformed", AttachmentIds: ["../../etc/passwd"]))));
        Assert.Equal(ErrorCodes.InvalidMessage, await RawChatConnection.RefusalAsync(() => bob.PostAsync("room", new Draft("twice", AttachmentIds: [bobs.Id, bobs.Id]))));
        Assert.Equal(ErrorCodes.InvalidMessage, await RawChatConnection.RefusalAsync(() => bob.PostAsync("room", new Draft(" ", AttachmentIds: null))));
        // A refusal leaves the upload unused: it is posted once, and once only.
        var posted = await bob.PostAsync("room", new Draft("now with a document", AttachmentIds: [bobs.Id]));
        Assert.Equal([bobs], posted.Attachments!);
        Assert.Equal(posted, Assert.Single(await alice.InvokeAsync<ChatMessage[]>(HubMethods.SearchMessages, "document", "room", null, 10)));
        Assert.Equal(ErrorCodes.NotFound, await RawChatConnection.RefusalAsync(() => bob.PostAsync("room", new Draft("again", AttachmentIds: [bobs.Id]))));
        Assert.Equal([posted.Id], (await alice.HistoryAsync("room", null, 10)).Select(m => m.Id));
    }

    [Fact]
    public async Task TwoPostsRacingForOneUploadStoreOneMessage()
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await alice.JoinAsync("room");
        var upload = await UploadOkAsync(http, "alice", "rooms/room", "a.pdf", Pdf);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => RawChatConnection.RefusalAsync(async () =>
        {
            await alice.PostAsync("room", new Draft($"try {i}", AttachmentIds: [upload.Id]));
            throw new Microsoft.AspNetCore.SignalR.HubException("stored: stored");
        })));

        Assert.Single(outcomes, o => o == "stored");
        Assert.Equal(5, outcomes.Count(o => o == ErrorCodes.NotFound));
        Assert.Single(await alice.HistoryAsync("room", null, 10));
    }

    [Fact]
    public async Task BeforePostingOnlyTheUploaderDownloadsAndEveryoneElseGetsTheAnswerOfAnUnknownId()
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();
        await using var owner = await RawChatConnection.ConnectAsync(host.BaseAddress, "owner");
        await owner.InvokeAsync<RoomInfo>(HubMethods.CreateRoom, "secret", RoomKinds.Private, null);
        await owner.JoinAsync("secret");
        var upload = await UploadOkAsync(http, "owner", "rooms/secret", "plan.pdf", Pdf);

        using var unknown = await GetAsync(http, "mallory", "/api/attachments/AAAAAAAAAAAAAAAAAAAAAA");
        var unknownAnswer = await AnswerAsync(unknown);
        using var before = await GetAsync(http, "mallory", upload.Url);
        Assert.Equal(unknownAnswer, await AnswerAsync(before));
        using var beforeThumbnail = await GetAsync(http, "mallory", upload.Url + "/thumbnail");
        Assert.Equal(unknownAnswer, await AnswerAsync(beforeThumbnail));
        using var ownersOwn = await GetAsync(http, "owner", upload.Url);
        Assert.Equal(HttpStatusCode.OK, ownersOwn.StatusCode);

        var posted = await owner.PostAsync("secret", new Draft("the plan", AttachmentIds: [upload.Id]));

        // Posted in a private room: members read it, others still get the unknown id's answer.
        using var after = await GetAsync(http, "mallory", upload.Url);
        Assert.Equal(unknownAnswer, await AnswerAsync(after));
        using var admin = await GetAsync(http, null, upload.Url, r => r.Headers.Authorization = new("Bearer", TestTokens.Create("root", "root", roles: ["hubapp.admin"])));
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);

        // Deleted: nobody, not even its author.
        await owner.InvokeAsync<ChatMessage>(HubMethods.DeleteMessage, "secret", posted.Id);
        using var deleted = await GetAsync(http, "owner", upload.Url);
        Assert.Equal(unknownAnswer, await AnswerAsync(deleted));
        Assert.Null(Assert.Single(await owner.HistoryAsync("secret", null, 10), m => m.Id == posted.Id).Attachments);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ADirectMessageCarriesItsUploadsToBothUsersOnly(bool messagePack)
    {
        await using var host = await StartAsync();
        using var http = host.CreateHttpClient();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice", messagePack: messagePack);
        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob", messagePack: messagePack);
        var upload = await UploadOkAsync(http, "alice", "direct/bob", "note.png", TestImages.Png(20, 10));
        var forCarol = await UploadOkAsync(http, "alice", "direct/carol", "other.pdf", Pdf);

        Assert.Equal(ErrorCodes.NotFound, await RawChatConnection.RefusalAsync(() => alice.InvokeAsync<DirectMessage>(HubMethods.PostDirect, "bob", new Draft("x", AttachmentIds: [forCarol.Id]))));
        Assert.Equal(ErrorCodes.NotFound, await RawChatConnection.RefusalAsync(() => bob.InvokeAsync<DirectMessage>(HubMethods.PostDirect, "alice", new Draft("x", AttachmentIds: [upload.Id]))));
        var sent = await alice.InvokeAsync<DirectMessage>(HubMethods.PostDirect, "bob", new Draft("a sketch", "d-1", AttachmentIds: [upload.Id]));
        var received = await bob.Direct.NextAsync();

        Assert.Equal([upload], sent.Attachments!);
        Assert.Equal(sent, received);
        Assert.Equal(sent, await alice.InvokeAsync<DirectMessage>(HubMethods.PostDirect, "bob", new Draft("a sketch", "d-1", AttachmentIds: [upload.Id])));
        Assert.Equal(sent, Assert.Single(await bob.InvokeAsync<DirectMessage[]>(HubMethods.SearchDirectMessages, "sketch", "alice", 10)));
        Assert.Equal(sent, Assert.Single(await bob.DirectHistoryAsync("alice", null, 10)));
        Assert.Equal(sent, Assert.Single((await bob.SyncAsync(0)).Messages));
        Assert.Equal(ErrorCodes.NotFound, await RawChatConnection.RefusalAsync(() => alice.InvokeAsync<DirectMessage>(HubMethods.PostDirect, "bob", new Draft("again", AttachmentIds: [upload.Id]))));
        using var bobs = await GetAsync(http, "bob", upload.ThumbnailUrl!);
        Assert.Equal(HttpStatusCode.OK, bobs.StatusCode);
        using var carols = await GetAsync(http, "carol", upload.Url);
        Assert.Equal(HttpStatusCode.NotFound, carols.StatusCode);
    }

    private static async Task<(HttpStatusCode Status, string? Code, string Detail)> AnswerAsync(HttpResponseMessage response)
    {
        using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        AssertSafeHeaders(response);
        return (response.StatusCode, problem.RootElement.GetProperty("code").GetString(), problem.RootElement.GetProperty("detail").GetString()!);
    }
}
