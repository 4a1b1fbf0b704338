using System.Globalization;
using HubApp.Client;
using HubApp.Hubs;
using HubApp.Presence;
using HubApp.Telemetry;
using HubApp.Testing;
using HubApp.Tests.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace HubApp.Tests.Hardening;

/// <summary>
/// A member of a room stops reading and its buffers fill up: the presence and typing events that go to it are
/// not waited for, so another user's JoinRoom, LeaveRoom and Typing return while the stalled member's writes are
/// still blocked, not once SignalR gives up on it (<see cref="ChatHubExtensions.SlowConsumerTimeout"/>).
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class SlowMemberPresenceTests
{
    private const string Room = "busy";
    private const string Stalled = "slowpoke";

    // '<' goes on the wire escaped (\u003C), 6 bytes a character: few messages, quick to store, fill the member.
    private const int TextLength = 3900;
    private const int WireBytesPerMessage = TextLength * 6;

    [Theory]
    [InlineData(nameof(ChatHub.JoinRoom))]
    [InlineData(nameof(ChatHub.LeaveRoom))]
    [InlineData(nameof(ChatHub.Typing))]
    public async Task AnEventToAMemberThatStoppedReadingDoesNotHoldUpTheCallThatSentIt(string method)
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?>
        {
            ["History:MaxMessagesPerRoom"] = "100000",
            // Where SignalR logs, at Trace, the send it gives up on (read by SlowConsumerObserver too).
            [$"Logging:LogLevel:{SlowConsumerObserver.Category}"] = "Trace",
        });
        using var http = host.CreateHttpClient();
        var presence = host.Services.GetRequiredService<PresenceTracker>();
        // The members that read are not under test. Without stateful reconnect they take the fill below as fast as
        // they read; with it, at most StatefulReconnectBufferBytes a second, and the sender's acknowledgements would
        // queue behind its own deliveries, spending the stalled member's window on the fill.
        await using var sender = await ConnectAsync(host, "sender");
        await using var joiner = await ConnectAsync(host, "joiner");
        await sender.JoinRoomAsync(Room).DefaultTimeout();
        using var stalled = await SlowConsumerTests.StalledMemberAsync(host, Stalled, Room);

        // More than the stalled member's socket send buffer and SignalR's outgoing buffer can hold, so that writes to
        // it wait: the socket takes less payload than the kernel's limit (2.8 MB of 4 MB here), so one and a half
        // times the limit is about twice what it holds. Each delivery is queued on its connection before the send is
        // acknowledged (MessageWriter delivers, then completes), so by the last acknowledgement every one of them is
        // ahead of the event the call sends.
        var fill = (int)Math.Ceiling(((1.5 * MaxSocketSendBuffer()) + ChatHubExtensions.OutgoingBufferBytes) / WireBytesPerMessage);
        var text = new string('<', TextLength);
        for (var sent = 0; sent < fill; sent += 10)
        {
            // Ten at a time, as the store commits them in batches.
            await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => sender.SendMessageAsync(Room, text))).DefaultTimeout();
        }

        // Had the fill outlasted the stalled member's window, SignalR would have given up on it already: nothing to test.
        Assert.True(IsPresent(presence) && !SendTimedOut(host), $"SignalR gave up on the stalled member before {method}: the fill took too long.");

        await (method switch
        {
            nameof(ChatHub.JoinRoom) => joiner.JoinRoomAsync(Room),
            nameof(ChatHub.LeaveRoom) => sender.LeaveRoomAsync(Room),
            _ => sender.TypingAsync(Room, true),
        }).DefaultTimeout();

        // Had the call waited for its event's write to the stalled member, it could only have returned after SignalR
        // gave up on that write: SignalR logs it as it cancels the send, before its transport stops and lets the
        // write end, and before the member's connection closes.
        Assert.False(SendTimedOut(host), $"{method} returned only once SignalR gave up on the stalled member.");
        Assert.True(IsPresent(presence), $"{method} returned only once the stalled member was closed.");

        // Nothing more is sent to the room. SignalR closing the member for a send that timed out shows that a write
        // queued before the call returned was blocked all along, and so the event queued behind it. Only that member:
        // the others kept up.
        var scrape = await MetricsScrape.WaitForAsync(http, s => s.Value("hubapp_slow_consumers_closed_total") >= 1);
        Assert.Equal(1, scrape.Value("hubapp_slow_consumers_closed_total"));
    }

    private static async Task<ChatClient> ConnectAsync(HubAppHost host, string userId)
    {
        var client = host.CreateClient(userId, statefulReconnect: false);
        await client.StartAsync().DefaultTimeout();
        return client;
    }

    private static bool SendTimedOut(HubAppHost host) =>
        host.Logs.Lines.Any(l => l.Category == SlowConsumerObserver.Category && l.EventName == SlowConsumerObserver.EventName);

    private static bool IsPresent(PresenceTracker presence) =>
        presence.ConnectionsOf(Stalled) == 1 && presence.Members(Room).Any(m => m.UserId == Stalled);

    /// <summary>
    /// How large Linux lets a TCP socket's send buffer grow (net.ipv4.tcp_wmem, 4 MB by default), so that a machine
    /// tuned for larger buffers gets a larger fill.
    /// </summary>
    private static long MaxSocketSendBuffer()
    {
        const string Setting = "/proc/sys/net/ipv4/tcp_wmem";
        return File.Exists(Setting)
            ? long.Parse(File.ReadAllText(Setting).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture)
            : 4L << 20;
    }
}
