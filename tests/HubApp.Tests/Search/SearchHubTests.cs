using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Tests.Search;

/// <summary>
/// SearchMessages and SearchDirectMessages through the real host over real sockets, on each store (a subclass picks it):
/// where a caller may search, what is found of edited and deleted messages, paging, limits and refusals.
/// </summary>
public abstract class SearchHubTests : IAsyncLifetime
{
    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData(ChatProtocol.Json)]
    [InlineData(ChatProtocol.MessagePack)]
    public async Task AcrossRoomsASearchCoversTheCallersReadableRoomsOnly(ChatProtocol protocol)
    {
        await using var host = await StartAsync();
        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob", messagePack: protocol == ChatProtocol.MessagePack);
        await using var carol = await RawChatConnection.ConnectAsync(host.BaseAddress, "carol", messagePack: protocol == ChatProtocol.MessagePack);
        // A room bob joined; an open room he never joined; a private room he was a member of and left; one he never was in.
        await bob.JoinAsync("joined");
        await carol.JoinAsync("joined");
        var found = await carol.SendAsync("joined", "banana one");
        await carol.JoinAsync("never-joined");
        await carol.SendAsync("never-joined", "banana two");
        await carol.InvokeAsync<RoomInfo>(HubMethods.CreateRoom, "left-club", RoomKinds.Private, null);
        await carol.JoinAsync("left-club");
        await carol.InvokeAsync(HubMethods.InviteToRoom, "left-club", "bob");
        await bob.JoinAsync("left-club");
        await carol.SendAsync("left-club", "banana three");
        Assert.Single(await SearchAsync(bob, "banana", "left-club"));
        await bob.InvokeAsync(HubMethods.LeaveRoomForGood, "left-club");
        await carol.InvokeAsync<RoomInfo>(HubMethods.CreateRoom, "closed", RoomKinds.Private, null);
        await carol.JoinAsync("closed");
        await carol.SendAsync("closed", "banana four");

        var results = await SearchAsync(bob, "BANANA");

        Assert.Equal([(found.Room, found.Id, "banana one")], results.Select(m => (m.Room, m.Id, m.Text)));
        // Named, a room is searched by its read rule, as its history is: an open room without a join, not a private one.
        Assert.Equal(["banana two"], (await SearchAsync(bob, "ban", "never-joined")).Select(m => m.Text));
        Assert.Equal(ErrorCodes.Forbidden, await RawChatConnection.RefusalAsync(() => SearchAsync(bob, "banana", "left-club")));
        Assert.Equal(ErrorCodes.Forbidden, await RawChatConnection.RefusalAsync(() => SearchAsync(bob, "banana", "closed")));
        Assert.Equal(ErrorCodes.InvalidRoom, await RawChatConnection.RefusalAsync(() => SearchAsync(bob, "banana", "no such room!")));
        Assert.Equal(4, (await SearchAsync(carol, "banana")).Length);
    }

    [Fact]
    public async Task AnEditedMessageIsFoundByItsNewTextOnlyAndADeletedOneNever()
    {
        await using var host = await StartAsync();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await alice.JoinAsync("notes");
        var edited = await alice.SendAsync("notes", "original words");
        var deleted = await alice.SendAsync("notes", "doomed words");
        await alice.InvokeAsync<ChatMessage>(HubMethods.EditMessage, "notes", edited.Id, "fresh words");
        await alice.InvokeAsync<ChatMessage>(HubMethods.DeleteMessage, "notes", deleted.Id);

        var words = await SearchAsync(alice, "words");

        var found = Assert.Single(words);
        Assert.Equal((edited.Id, "fresh words", MessageKinds.Message), (found.Id, found.Text, found.Kind));
        Assert.NotNull(found.EditedAt);
        Assert.Empty(await SearchAsync(alice, "original"));
        Assert.Empty(await SearchAsync(alice, "doomed", "notes"));
        Assert.Equal([edited.Id], (await SearchAsync(alice, "fresh", "notes")).Select(m => m.Id));
    }

    [Fact]
    public async Task BeforeIdPagesWithinARoomAndTheLimitIsClampedToOneToFifty()
    {
        await using var host = await StartAsync(new Dictionary<string, string?> { ["Limits:MessagesPerSecond"] = "1000", ["Limits:Burst"] = "1000" });
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await alice.JoinAsync("pages");
        for (var i = 1; i <= 55; i++)
        {
            await alice.SendAsync("pages", $"page {i}");
        }

        Assert.Equal([55L, 54L, 53L], (await SearchAsync(alice, "page", "pages", null, 3)).Select(m => m.Id));
        Assert.Equal([52L, 51L, 50L], (await SearchAsync(alice, "page", "pages", 53, 3)).Select(m => m.Id));
        Assert.Equal([2L, 1L], (await SearchAsync(alice, "page", "pages", 3, 10)).Select(m => m.Id));
        Assert.Equal([55L], (await SearchAsync(alice, "page", "pages", null, 0)).Select(m => m.Id));
        Assert.Equal(50, (await SearchAsync(alice, "page", "pages", null, 1000)).Length);
        Assert.Equal(50, (await SearchAsync(alice, "page", null, null, 51)).Length);
        Assert.Equal(ErrorCodes.InvalidMessage, await RawChatConnection.RefusalAsync(() => SearchAsync(alice, "page", null, 10, 10)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("🎉 👋")]
    [InlineData("\"*\" - : ()")]
    [InlineData("\u0000\u200b")]
    [InlineData(null)]
    public async Task AQueryWithoutALetterOrDigitIsRefusedWithInvalidMessageAndTheConnectionStays(string? query)
    {
        await using var host = await StartAsync();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");

        Assert.Equal(ErrorCodes.InvalidMessage, await RawChatConnection.RefusalAsync(() => SearchAsync(alice, query!)));
        Assert.Equal(ErrorCodes.InvalidMessage, await RawChatConnection.RefusalAsync(() => SearchDirectAsync(alice, query!)));
        Assert.Equal("pong", await alice.InvokeAsync<string>(HubMethods.Ping));
    }

    [Fact]
    public async Task AQueryIsAtMost256CharactersAndAMalformedUserIsInvalidUser()
    {
        await using var host = await StartAsync();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await alice.JoinAsync("long");
        await alice.SendAsync("long", new string('a', 256));

        Assert.Single(await SearchAsync(alice, new string('a', 256)));
        Assert.Equal(ErrorCodes.InvalidMessage, await RawChatConnection.RefusalAsync(() => SearchAsync(alice, new string('a', 257))));
        Assert.Equal(ErrorCodes.InvalidMessage, await RawChatConnection.RefusalAsync(() => SearchDirectAsync(alice, new string('a', 257))));
        Assert.Equal(ErrorCodes.InvalidUser, await RawChatConnection.RefusalAsync(() => SearchDirectAsync(alice, "a", "has space")));
        Assert.Equal("pong", await alice.InvokeAsync<string>(HubMethods.Ping));
    }

    [Theory]
    [InlineData(ChatProtocol.Json)]
    [InlineData(ChatProtocol.MessagePack)]
    public async Task DirectSearchCoversTheCallersConversationsAndNeverAnotherPairs(ChatProtocol protocol)
    {
        await using var host = await StartAsync();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice", messagePack: protocol == ChatProtocol.MessagePack);
        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob", messagePack: protocol == ChatProtocol.MessagePack);
        await using var carol = await RawChatConnection.ConnectAsync(host.BaseAddress, "carol", messagePack: protocol == ChatProtocol.MessagePack);
        var first = await alice.SendDirectAsync("bob", "pizza tonight?");
        var second = await bob.SendDirectAsync("alice", "Pizza, yes");
        var elsewhere = await carol.SendDirectAsync("dave", "pizza secret");
        var third = await alice.SendDirectAsync("carol", "no pizza for me");

        Assert.Equal([third.Id, second.Id, first.Id], (await SearchDirectAsync(alice, "pizza")).Select(m => m.Id));
        Assert.Equal([second.Id, first.Id], (await SearchDirectAsync(alice, "piz", "bob")).Select(m => m.Id));
        Assert.Equal([second.Id], (await SearchDirectAsync(alice, "pizza", "bob", 1)).Select(m => m.Id));
        Assert.Empty(await SearchDirectAsync(alice, "secret"));
        Assert.Empty(await SearchDirectAsync(alice, "pizza", "dave"));
        Assert.Equal([third.Id, elsewhere.Id], (await SearchDirectAsync(carol, "pizza")).Select(m => m.Id));
        var found = Assert.Single(await SearchDirectAsync(bob, "tonight"));
        Assert.Equal((first.Id, "alice", "bob", "pizza tonight?"), (found.Id, found.FromUserId, found.ToUserId, found.Text));

        // A conversation's edit and delete reach the index as a room's do: the new text only, the deleted one never.
        await alice.InvokeAsync<DirectMessage>(HubMethods.EditDirectMessage, first.Id, "pasta tonight?");
        await alice.InvokeAsync<DirectMessage>(HubMethods.DeleteDirectMessage, third.Id);
        Assert.Equal([second.Id], (await SearchDirectAsync(alice, "pizza")).Select(m => m.Id));
        var edited = Assert.Single(await SearchDirectAsync(bob, "pasta"));
        Assert.Equal((first.Id, "pasta tonight?", MessageKinds.Message), (edited.Id, edited.Text, edited.Kind));
        Assert.NotNull(edited.EditedAt);
    }

    [Fact]
    public async Task SearchesPastTheReadAllowanceAreRateLimitedAndTheConnectionStays()
    {
        await using var host = await StartAsync(new Dictionary<string, string?> { ["Limits:ReadsPerSecond"] = "1", ["Limits:ReadBurst"] = "3" });
        await using var mallory = await RawChatConnection.ConnectAsync(host.BaseAddress, "mallory");

        // Both searches draw on the one allowance: a burst of 3, then about one a second; ten at once cannot all pass.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => OutcomeAsync(i % 2 == 0 ? SearchAsync(mallory, "anything") : SearchDirectAsync(mallory, "anything"))));

        Assert.InRange(outcomes.Count(code => code is null), 1, 5);
        Assert.All(outcomes.Where(code => code is not null), code => Assert.Equal(ErrorCodes.RateLimited, code));
        Assert.Equal("pong", await mallory.InvokeAsync<string>(HubMethods.Ping));
    }

    private protected abstract Task<HubAppHost> StartAsync(IDictionary<string, string?>? settings = null);

    private static Task<ChatMessage[]> SearchAsync(RawChatConnection connection, string query, string? room = null, long? beforeId = null, int limit = 50) =>
        connection.InvokeAsync<ChatMessage[]>(HubMethods.SearchMessages, query, room, beforeId, limit);

    private static Task<DirectMessage[]> SearchDirectAsync(RawChatConnection connection, string query, string? userId = null, int limit = 50) =>
        connection.InvokeAsync<DirectMessage[]>(HubMethods.SearchDirectMessages, query, userId, limit);

    private static async Task<string?> OutcomeAsync(Task call)
    {
        try
        {
            await call;
            return null;
        }
        catch (HubException ex)
        {
            return ErrorCodes.Find(ex.Message);
        }
    }
}
