using System.Net;
using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Hardening;

/// <summary>
/// The SQLite file's disk fills up under the running host: a real fault, made by starting the host process
/// with SIGXFSZ ignored and then
/// limiting the size of the files it may write (writes past the limit fail with EFBIG, as on a full disk), lifting the limit later.
/// </summary>
public sealed class DiskFullTests
{
    // Room for a few hundred 3,000-character messages in the WAL, far below its 4 MB checkpoint.
    private const long FileSizeLimit = 1 << 20;
    private const int MaxSends = 2000;

    [Fact]
    public async Task AFullDiskRefusesSendsAsUnavailableDeliversAndStoresNoneOfThemAndTheHostRecoversWhenSpaceReturns()
    {
        var data = Directory.CreateTempSubdirectory("hubapp-full-");
        try
        {
            await using var host = await HostProcess.StartSqliteAsync(data.FullName, fileSizeLimitable: true);
            await using var alice = await host.ConnectAsync("alice", autoReconnect: false);
            await using var bob = await host.ConnectAsync("bob", autoReconnect: false);
            var bobInbox = new Inbox<ChatMessage>();
            bob.MessageReceived += bobInbox.Add;
            await bob.JoinRoomAsync("room").DefaultTimeout();
            await alice.JoinRoomAsync("room").DefaultTimeout();
            await host.SetFileSizeLimitAsync(FileSizeLimit);

            var acked = new List<ChatMessage>();
            var refused = new List<string>();
            for (var i = 0; i < MaxSends && refused.Count < 3; i++)
            {
                var text = $"message {i} " + new string((char)('a' + (i % 26)), 3000);
                try
                {
                    // The raw invocation: SendMessageAsync would wait out the full disk and retry.
                    acked.Add(await alice.PostMessageAsync("room", text, null).DefaultTimeout());
                }
                catch (ChatException ex)
                {
                    Assert.Equal(ErrorCodes.Unavailable, ex.Code);
                    refused.Add(text);
                }
            }

            Assert.True(refused.Count == 3, $"no send was refused in {MaxSends} ({acked.Count} stored){Environment.NewLine}{host.Output}");
            Assert.NotEmpty(acked);
            Assert.False(host.HasExited, host.Output);
            Assert.Equal("pong", await alice.PingAsync().DefaultTimeout());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await host.HealthAsync());

            await host.SetFileSizeLimitAsync(null);
            var next = await alice.SendMessageAsync("room", "space again").DefaultTimeout();
            Assert.Equal(acked[^1].Id + 1, next.Id);
            Assert.Equal(HttpStatusCode.OK, await host.HealthAsync());
            acked.Add(next);

            // Bob got exactly the acknowledged messages, in order: none of the refused ones.
            var received = await bobInbox.WaitForCountAsync(acked.Count);
            await Task.Delay(200);
            Assert.Equal(acked.Select(m => m.Id), bobInbox.All.Select(m => m.Id));
            Assert.Equal(acked, received);
            await using var carol = await host.ConnectAsync("carol", autoReconnect: false);
            Assert.Equal(acked, await RoomHistory.ReadAllAsync(carol, "room"));
            Assert.DoesNotContain(bobInbox.All, m => refused.Contains(m.Text));
            Assert.Contains(host.Problems("fail"), l => l.Contains("could not be stored", StringComparison.Ordinal));
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
