using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using HubApp.Contracts;
using HubApp.Hubs;
using HubApp.Testing;

namespace HubApp.Tests.Hardening;

/// <summary>
/// A member of a busy room stops reading. The others keep receiving, the server closes the stalled
/// connection once one send has waited <see cref="ChatHubExtensions.SlowConsumerTimeout"/>, and the stalled
/// client, back with <c>sinceId</c>, gets every message it missed.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class SlowConsumerTests
{
    [Fact]
    public async Task AClientThatStopsReadingIsClosedWithoutSlowingOthersAndCatchesUpFromHistory()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?> { ["History:MaxMessagesPerRoom"] = "100000" });
        await using var sender = await host.ConnectAsync("sender");
        await using var member = await host.ConnectAsync("member");
        var received = new ConcurrentDictionary<long, bool>();
        var left = new Inbox<PresenceEvent>();
        member.MessageReceived += m =>
        {
            received[m.Id] = true;
            return Task.CompletedTask;
        };
        member.UserLeft += left.Add;
        await sender.JoinRoomAsync("busy").DefaultTimeout();
        await member.JoinRoomAsync("busy").DefaultTimeout();
        using var stalled = await StalledMemberAsync(host, "slowpoke", "busy");
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);

        // 3,000-character texts until the server gives up on the stalled member: a few megabytes fill its
        // socket buffers, then one send waits out the timeout. Bounded by count and by time.
        var acknowledged = new List<long>();
        var text = new string('x', 3000);
        var deadline = DateTime.UtcNow + ChatHubExtensions.SlowConsumerTimeout + TimeSpan.FromSeconds(50);
        var closedAt = -1;
        while (acknowledged.Count < 40_000 && DateTime.UtcNow < deadline)
        {
            acknowledged.Add((await sender.SendMessageAsync("busy", text).DefaultTimeout()).Id);
            if (closedAt < 0 && left.All.Any(p => p.UserId == "slowpoke"))
            {
                closedAt = acknowledged.Count;
            }
            else if (closedAt >= 0 && acknowledged.Count >= closedAt + 50)
            {
                break;
            }
        }

        Assert.True(closedAt > 0, $"the stalled member was not closed after {acknowledged.Count} messages");
        // The member that reads got everything, the stalled one notwithstanding.
        await WaitUntilAsync(() => acknowledged.All(received.ContainsKey));
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        // What the server held for the stalled member is freed with its connection: the heap of this whole
        // process (host and clients) ends where it began, give or take what the test itself keeps (ids).
        Assert.True(heapAfter - heapBefore < 64L << 20, $"heap grew by {(heapAfter - heapBefore) >> 20} MB");

        // The catch-up (tens of megabytes) is read without stateful reconnect: its 1 MB replay buffer would pace the
        // reader into SignalR's flush race (see HubAppHost), a 1011 close seen under CI load; not what this test is about.
        await using var back = host.CreateClient("slowpoke", statefulReconnect: false);
        await back.StartAsync().DefaultTimeout();
        var caughtUp = (await RoomHistory.ReadAllAsync(back, "busy", maxPages: 200)).Select(m => m.Id);

        Assert.Equal(acknowledged, caughtUp);
    }

    /// <summary>A member whose socket, after joining, is never read again, with a small receive buffer (also used by the metrics tests).</summary>
    internal static async Task<IDisposable> StalledMemberAsync(HubAppHost host, string userId, string room)
    {
        var connection = await SmallBufferSocket.ConnectAsync(host, userId);
        var socket = connection.Socket;
        await SendAsync(socket, """{"protocol":"json","version":1}""");
        await SendAsync(socket, $$"""{"type":1,"invocationId":"1","target":"JoinRoom","arguments":["{{room}}",null]}""");
        // Read until the join's completion, then never again.
        var buffer = new byte[16 * 1024];
        var seen = new StringBuilder();
        while (!seen.ToString().Contains("\"invocationId\":\"1\"", StringComparison.Ordinal))
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None).DefaultTimeout();
            seen.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }

        return connection;
    }

    private static Task SendAsync(ClientWebSocket socket, string record) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(record + RawHubSocket.Separator), WebSocketMessageType.Text, true, CancellationToken.None).DefaultTimeout();

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Slow);
        while (!condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
