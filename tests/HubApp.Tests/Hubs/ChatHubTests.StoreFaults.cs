using HubApp.Client;
using HubApp.Contracts;
using HubApp.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

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
        await alice.JoinRoomAsync("room").WaitAsync(TestTimeouts.Default);
        await bob.JoinRoomAsync("room").WaitAsync(TestTimeouts.Default);
        var before = await alice.SendMessageAsync("room", "before").WaitAsync(TestTimeouts.Default);

        ChatException roomError, directError;
        await using (var blocker = new SqliteConnection($"Data Source={host.DatabasePath};Pooling=False"))
        {
            // Another process holding the write lock (a backup, a stuck tool) is a store that cannot take writes.
            await blocker.OpenAsync();
            await using var exclusive = blocker.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE;";
            await exclusive.ExecuteNonQueryAsync();

            roomError = await Assert.ThrowsAsync<ChatException>(() => alice.SendMessageAsync("room", "during").WaitAsync(TestTimeouts.Default));
            directError = await Assert.ThrowsAsync<ChatException>(() => alice.SendDirectMessageAsync("bob", "during").WaitAsync(TestTimeouts.Default));
            Assert.Equal("pong", await alice.PingAsync().WaitAsync(TestTimeouts.Default));
        }

        var after = await alice.SendMessageAsync("room", "after").WaitAsync(TestTimeouts.Default);

        Assert.Equal(ErrorCodes.Unavailable, roomError.Code);
        Assert.Equal(ErrorCodes.Unavailable, directError.Code);
        Assert.Equal(before.Id + 1, after.Id);
        Assert.Equal([before, after], await received.WaitForCountAsync(2));
        Assert.Equal([before, after], await bob.GetHistoryAsync("room", null, 10).WaitAsync(TestTimeouts.Default));
        Assert.Contains(host.Logs.Lines, l => l.Message.Contains("could not be stored", StringComparison.Ordinal));
    }
}
