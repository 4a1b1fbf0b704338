using HubApp.Client;
using HubApp.Contracts;
using HubApp.Hubs;
using HubApp.Storage;
using HubApp.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HubApp.Tests.Hubs;

public sealed partial class ChatHubTests
{
    [Fact]
    public async Task WhileTheStoreCannotWriteSendsFailWithUnavailableNothingIsDeliveredAndItRecoversByItself()
    {
        // "Default Timeout=1": the writer gives up on a locked database after a second instead of thirty.
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Sqlite"] = "Data Source={data}/hubapp.db;Default Timeout=1",
        });
        host.ExpectErrors();
        await using var alice = await host.ConnectAsync("alice");
        await using var bob = await host.ConnectAsync("bob");
        var received = new Inbox<ChatMessage>();
        bob.MessageReceived += received.Add;
        await alice.JoinRoomAsync("room").DefaultTimeout();
        await bob.JoinRoomAsync("room").DefaultTimeout();
        var before = await alice.SendMessageAsync("room", "before").DefaultTimeout();

        // The raw single invocations: SendMessageAsync and SendDirectMessageAsync would wait out the outage and retry.
        ChatException roomError, directError;
        await using (var blocker = new SqliteConnection($"Data Source={host.DatabasePath};Pooling=False"))
        {
            // Another process holding the write lock (a backup, a stuck tool) is a store that cannot take writes.
            await blocker.OpenAsync();
            await using var exclusive = blocker.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE;";
            await exclusive.ExecuteNonQueryAsync();

            roomError = await Assert.ThrowsAsync<ChatException>(() => alice.PostMessageAsync("room", "during", null).DefaultTimeout());
            directError = await Assert.ThrowsAsync<ChatException>(() => alice.PostDirectMessageAsync("bob", "during", null).DefaultTimeout());
            Assert.Equal("pong", await alice.PingAsync().DefaultTimeout());
        }

        var after = await alice.SendMessageAsync("room", "after").DefaultTimeout();

        Assert.Equal(ErrorCodes.Unavailable, roomError.Code);
        Assert.Equal(ErrorCodes.Unavailable, directError.Code);
        Assert.Equal(before.Id + 1, after.Id);
        Assert.Equal([before, after], await received.WaitForCountAsync(2));
        Assert.Equal([before, after], await bob.GetHistoryAsync("room", null, 10).DefaultTimeout());
        Assert.Contains(host.Logs.Lines, l => l.Message.Contains("could not be stored", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WhileTheStoreIsDownJoinSendHistoryAndDirectMessagesAnswerUnavailableOnceEachAndTheConnectionCarriesOn()
    {
        var filter = typeof(InvocationLoggingFilter).FullName!;
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { [$"Logging:LogLevel:{filter}"] = "Debug" }, services: SwitchableStore.Install);
        host.ExpectErrors();
        var store = (SwitchableStore)host.Services.GetRequiredService<IMessageStore>();
        await using var alice = await host.ConnectAsync("alice");
        await alice.JoinRoomAsync("room").DefaultTimeout();

        store.Failing = true;
        var join = await Assert.ThrowsAsync<ChatException>(() => alice.JoinRoomAsync("other").DefaultTimeout());
        var send = await Assert.ThrowsAsync<ChatException>(() => alice.PostMessageAsync("room", "during", null).DefaultTimeout());
        var history = await Assert.ThrowsAsync<ChatException>(() => alice.GetHistoryAsync("room", null, 10).DefaultTimeout());
        var direct = await Assert.ThrowsAsync<ChatException>(() => alice.PostDirectMessageAsync("bob", "during", null).DefaultTimeout());
        Assert.Equal("pong", await alice.PingAsync().DefaultTimeout());
        store.Failing = false;

        const string Unavailable = "HubException: unavailable: the message store cannot take messages now; nothing was stored or delivered, retry later.";
        Assert.All([join, send, history, direct], e => Assert.EndsWith(Unavailable, e.Message, StringComparison.Ordinal));
        // The failed join left nothing behind: joining again is a first join, with the room's members.
        var rejoined = await alice.JoinRoomAsync("other").DefaultTimeout();
        Assert.Equal([new Member("alice", "alice")], rejoined.Members);
        var after = await alice.SendMessageAsync("room", "after").DefaultTimeout();
        Assert.Equal([after], await alice.GetHistoryAsync("room", null, 10).DefaultTimeout());
        // Each refusal logged once, by the hub's one filter, at Debug; none of them as a server fault.
        var refusals = host.Logs.Lines.Where(l => l.Category == filter && l.Message.Contains(": unavailable: ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(
            [HubMethods.JoinRoom, HubMethods.PostMessage, HubMethods.GetHistory, HubMethods.PostDirectMessage],
            refusals.Select(l => l.Message.Split(' ')[1]));
        Assert.All(refusals, l => Assert.Equal(LogLevel.Debug, l.Level));
        Assert.DoesNotContain(host.Logs.Lines, l => l.Category == filter && l.Level >= LogLevel.Error);
    }
}
