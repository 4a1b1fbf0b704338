using System.Text;
using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;
using Microsoft.Data.Sqlite;

namespace HubApp.Tests.Hubs;

/// <summary>EditMessage and DeleteMessage: entries of the room log (docs/protocol.md, "ChatMessage").</summary>
public sealed partial class ChatHubTests
{
    [Fact]
    public async Task AnEditTakesTheRoomsNextIdReachesEveryMemberAndHistoryShowsTheTargetEdited()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice", "Alice");
        await using var bob = await host.ConnectAsync("bob", "Bob");
        var bobInbox = new Inbox<ChatMessage>();
        bob.MessageReceived += bobInbox.Add;
        await alice.JoinRoomAsync("room").DefaultTimeout();
        await bob.JoinRoomAsync("room").DefaultTimeout();
        var target = await alice.SendMessageAsync("room", "helo").DefaultTimeout();
        var other = await bob.SendMessageAsync("room", "hi").DefaultTimeout();

        var edit = await alice.EditMessageAsync("ROOM", target.Id, "hello").DefaultTimeout();

        Assert.Equal((3L, "room", "alice", "Alice", "hello", MessageKinds.Edit, (long?)target.Id), (edit.Id, edit.Room, edit.UserId, edit.UserName, edit.Text, edit.Kind, edit.TargetId));
        Assert.Equal([target, other, edit], await bobInbox.WaitForCountAsync(3));
        var history = await bob.GetHistoryAsync("room", null, 10).DefaultTimeout();
        Assert.Equal([target with { Text = "hello", EditedAt = edit.SentAt }, other, edit], history);
    }

    [Fact]
    public async Task ADeleteEmptiesTheTargetAndItsEditsAndDeletingAgainReturnsTheFirstDeleteWithoutANewId()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("room").DefaultTimeout();
        var target = await alice.SendMessageAsync("room", "secret").DefaultTimeout();
        var edit = await alice.EditMessageAsync("room", target.Id, "secret, edited").DefaultTimeout();

        var delete = await alice.DeleteMessageAsync("room", target.Id).DefaultTimeout();
        var again = await alice.DeleteMessageAsync("room", target.Id).DefaultTimeout();
        var next = await alice.SendMessageAsync("room", "next").DefaultTimeout();

        Assert.Equal((3L, string.Empty, MessageKinds.Delete, (long?)target.Id), (delete.Id, delete.Text, delete.Kind, delete.TargetId));
        Assert.Equal(delete, again);
        Assert.Equal(4, next.Id);
        var history = await alice.GetHistoryAsync("room", null, 10).DefaultTimeout();
        Assert.Equal(
            [target with { Text = string.Empty, EditedAt = edit.SentAt, DeletedAt = delete.SentAt }, edit with { Text = string.Empty, DeletedAt = delete.SentAt }, delete, next],
            history);
    }

    [Fact]
    public async Task DeletesOfOneMessageAtOnceStoreOneDeleteEntryAndAreAllAnsweredWithIt()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await using var root = await ConnectAdminAsync(host);
        await alice.JoinRoomAsync("room").DefaultTimeout();
        await root.JoinRoomAsync("room").DefaultTimeout();
        var target = await alice.SendMessageAsync("room", "twice").DefaultTimeout();

        // Sent together, they may share a group commit or not: either way the later one finds the target deleted.
        var deletes = await Task.WhenAll(
            alice.DeleteMessageAsync("room", target.Id), root.DeleteMessageAsync("room", target.Id),
            alice.DeleteMessageAsync("room", target.Id), root.DeleteMessageAsync("room", target.Id)).DefaultTimeout();

        Assert.Single(deletes.Distinct());
        Assert.Equal(target.Id + 1, deletes[0].Id);
        Assert.Equal([target.Id, target.Id + 1], (await alice.GetHistoryAsync("room", null, 10).DefaultTimeout()).Select(m => m.Id));
    }

    [Fact]
    public async Task TheDatabaseRowsNoLongerHoldADeletedTextNorItsEditedVersions()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("room").DefaultTimeout();
        var target = await alice.SendMessageAsync("room", "first version").DefaultTimeout();
        await alice.EditMessageAsync("room", target.Id, "second version").DefaultTimeout();
        await alice.SendMessageAsync("room", "kept").DefaultTimeout();

        await alice.DeleteMessageAsync("room", target.Id).DefaultTimeout();

        var texts = await ReadStoredTextsAsync(host.DatabasePath);
        Assert.Equal(["", "", "kept", ""], texts);
    }

    [Fact]
    public async Task EditsAndDeletesThatTheCallerMayNotMakeAreRefusedWithTheContractsCodesAndStoreNothing()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await using var bob = await host.ConnectAsync("bob");
        await using var carol = await host.ConnectAsync("carol");
        await alice.JoinRoomAsync("room").DefaultTimeout();
        await bob.JoinRoomAsync("room").DefaultTimeout();
        await carol.JoinRoomAsync("elsewhere").DefaultTimeout();
        var own = await alice.SendMessageAsync("room", "alice's").DefaultTimeout();
        var edit = await alice.EditMessageAsync("room", own.Id, "alice's, edited").DefaultTimeout();
        var gone = await alice.SendMessageAsync("room", "to delete").DefaultTimeout();
        var delete = await alice.DeleteMessageAsync("room", gone.Id).DefaultTimeout();
        var before = await alice.GetHistoryAsync("room", null, 50).DefaultTimeout();

        async Task<string> CodeOf(Func<Task> call) => (await Assert.ThrowsAsync<ChatException>(() => call().DefaultTimeout())).Code;

        Assert.Equal(ErrorCodes.Forbidden, await CodeOf(() => bob.EditMessageAsync("room", own.Id, "bob's now")));
        Assert.Equal(ErrorCodes.Forbidden, await CodeOf(() => bob.DeleteMessageAsync("room", own.Id)));
        Assert.Equal(ErrorCodes.Forbidden, await CodeOf(() => alice.EditMessageAsync("room", gone.Id, "back")));
        Assert.Equal(ErrorCodes.NotFound, await CodeOf(() => alice.EditMessageAsync("room", 999, "none")));
        Assert.Equal(ErrorCodes.NotFound, await CodeOf(() => alice.EditMessageAsync("room", edit.Id, "an edit is no message")));
        Assert.Equal(ErrorCodes.NotFound, await CodeOf(() => alice.DeleteMessageAsync("room", delete.Id)));
        Assert.Equal(ErrorCodes.NotFound, await CodeOf(() => alice.DeleteMessageAsync("room", 0)));
        Assert.Equal(ErrorCodes.NotInRoom, await CodeOf(() => carol.EditMessageAsync("room", own.Id, "x")));
        Assert.Equal(ErrorCodes.NotInRoom, await CodeOf(() => carol.DeleteMessageAsync("room", own.Id)));
        Assert.Equal(ErrorCodes.InvalidMessage, await CodeOf(() => alice.EditMessageAsync("room", own.Id, "   ")));
        Assert.Equal(ErrorCodes.InvalidRoom, await CodeOf(() => alice.DeleteMessageAsync("no room!", own.Id)));

        Assert.Equal(before, await alice.GetHistoryAsync("room", null, 50).DefaultTimeout());
        Assert.Equal("pong", await bob.PingAsync().DefaultTimeout());
        Assert.Equal(delete.Id + 1, (await bob.SendMessageAsync("room", "ids go on").DefaultTimeout()).Id);
    }

    [Fact]
    public async Task AnEditAfterTheEditWindowIsForbiddenWhileTheAuthorMayStillDelete()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["Limits:EditWindow"] = "00:00:01" });
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("room").DefaultTimeout();
        var target = await alice.SendMessageAsync("room", "old").DefaultTimeout();

        // Past the one-second window whatever the machine's load: the store compares sending times.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var late = await Assert.ThrowsAsync<ChatException>(() => alice.EditMessageAsync("room", target.Id, "new").DefaultTimeout());
        var delete = await alice.DeleteMessageAsync("room", target.Id).DefaultTimeout();

        Assert.Equal(ErrorCodes.Forbidden, late.Code);
        Assert.Equal((2L, MessageKinds.Delete), (delete.Id, delete.Kind));
    }

    [Fact]
    public async Task AnAdminDeletesSomeoneElsesMessage()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await using var root = await ConnectAdminAsync(host);
        await alice.JoinRoomAsync("room").DefaultTimeout();
        await root.JoinRoomAsync("room").DefaultTimeout();
        var target = await alice.SendMessageAsync("room", "abuse").DefaultTimeout();

        var delete = await root.DeleteMessageAsync("room", target.Id).DefaultTimeout();
        var edit = await Assert.ThrowsAsync<ChatException>(() => root.EditMessageAsync("room", target.Id, "words in her mouth").DefaultTimeout());

        Assert.Equal(("root", MessageKinds.Delete, (long?)target.Id), (delete.UserId, delete.Kind, delete.TargetId));
        Assert.Equal(ErrorCodes.Forbidden, edit.Code);
        Assert.Equal(string.Empty, (await alice.GetHistoryAsync("room", null, 10).DefaultTimeout())[0].Text);
    }

    [Fact]
    public async Task CatchUpCarriesEditAndDeleteEntriesAndUnreadCountsLeaveThemOut()
    {
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await RawChatConnection.ConnectAsync(host.BaseAddress, "alice");
        await using var bob = await RawChatConnection.ConnectAsync(host.BaseAddress, "bob");
        await alice.JoinAsync("room");
        await bob.JoinAsync("room");
        var first = await bob.SendAsync("room", "one");
        var second = await bob.SendAsync("room", "two");
        await alice.MarkReadAsync("room", second.Id);

        var edit = await bob.InvokeAsync<ChatMessage>(HubMethods.EditMessage, "room", first.Id, "one, edited");
        var delete = await bob.InvokeAsync<ChatMessage>(HubMethods.DeleteMessage, "room", second.Id);
        var snapshot = await alice.JoinAsync("room", second.Id);

        Assert.Equal([edit, delete], snapshot.Messages);
        Assert.Equal((second.Id, 0), (snapshot.LastReadId, snapshot.UnreadCount));
        var third = await bob.SendAsync("room", "three");
        Assert.Equal(1, (await alice.JoinAsync("room", third.Id)).UnreadCount);
        var latest = await alice.JoinAsync("room");
        Assert.Equal(
            [(first.Id, "one, edited", false), (second.Id, "", true), (edit.Id, "one, edited", false), (delete.Id, "", false), (third.Id, "three", false)],
            latest.Messages.Select(m => (m.Id, m.Text, m.DeletedAt is not null)));
    }

    [Fact]
    public async Task EditAndDeleteDrawOnTheMessageAllowance()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?>
        {
            ["Limits:MessagesPerSecond"] = "1",
            ["Limits:Burst"] = "2",
        });
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("room").DefaultTimeout();
        var target = await alice.PostMessageAsync("room", "x", null).DefaultTimeout();

        var refused = new List<ChatException>();
        for (var i = 0; i < 6; i++)
        {
            try
            {
                await alice.EditMessageAsync("room", target.Id, $"x{i}").DefaultTimeout();
            }
            catch (ChatException ex)
            {
                refused.Add(ex);
            }
        }

        var delete = await Record.ExceptionAsync(() => alice.DeleteMessageAsync("room", target.Id).DefaultTimeout());

        // One token left after the message, at most a few refilled while the loop ran: most edits are refused.
        Assert.InRange(refused.Count, 2, 5);
        Assert.All(refused, e => Assert.Equal(ErrorCodes.RateLimited, e.Code));
        Assert.True(delete is null || (delete is ChatException { Code: ErrorCodes.RateLimited }), $"unexpected {delete}");
        Assert.Equal("pong", await alice.PingAsync().DefaultTimeout());
    }

    /// <summary>A started client of "root", whose token makes them an admin: a moderator of every room.</summary>
    private static async Task<ChatClient> ConnectAdminAsync(HubAppHost host)
    {
        var root = host.CreateClient("root", token: () => TestTokens.Create("root", roles: [TestTokens.AdminRole]));
        await root.StartAsync().DefaultTimeout();
        return root;
    }

    private static Task<List<string>> ReadStoredTextsAsync(string databasePath) =>
        ReadRowsAsync(databasePath, "SELECT text FROM messages ORDER BY room, id;", r => Encoding.UTF8.GetString(r.GetFieldValue<byte[]>(0)));

    /// <summary>Rows of the host's SQLite file, read as they are stored.</summary>
    private static async Task<List<T>> ReadRowsAsync<T>(string databasePath, string sql, Func<SqliteDataReader, T> read)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var query = connection.CreateCommand();
        query.CommandText = sql;
        var rows = new List<T>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
