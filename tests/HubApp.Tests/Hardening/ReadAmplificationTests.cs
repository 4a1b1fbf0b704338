using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using HubApp.Contracts;
using HubApp.History;
using HubApp.Presence;
using HubApp.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace HubApp.Tests.Hardening;

/// <summary>
/// Read amplification: a room of 500 texts of 2,000 emoji each, and one user with 20 connections each keeping 8
/// <c>JoinRoom(room, 0)</c> in flight while reading nothing. Every reply is bounded (a catch-up page stops at
/// <see cref="HistoryOptions.MaxPageBytes"/>, not complete), so what the server holds for them stays within
/// <see cref="HeapBound"/>, and another user's Ping still answers meanwhile.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class ReadAmplificationTests(ITestOutputHelper output)
{
    private const int Messages = 500, Connections = 20, InFlight = 8;

    /// <summary>
    /// What the attack may add to the live heap of this process (host and clients): 20 connections x 8 replies, each of
    /// at most a page (256 KB budgeted; about 180 KB of these texts as strings, and as much again serialized), is
    /// about 60 MB; twice that for what the store, SignalR and the GC keep besides. Unbounded, each reply was the whole
    /// 500 texts (8 MB as strings, 4 MB as UTF-8): over a gigabyte.
    /// </summary>
    private const long HeapBound = 128L << 20;

    [Fact]
    public async Task ManyConnectionsOfOneUserReplayingARoomOfLargeTextsWithoutReadingStayWithinTheMemoryBoundAndOthersAreAnswered()
    {
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?>
        {
            // The shipped read allowance, not the test host's (out of the way) one.
            ["Limits:ReadsPerSecond"] = "10",
            ["Limits:ReadBurst"] = "100",
        });
        var presence = host.Services.GetRequiredService<PresenceTracker>();
        var clock = Stopwatch.StartNew();
        // Four connections with many sends each in flight, so that each group commit takes many (the order is no matter here).
        var text = string.Concat(Enumerable.Repeat("😀", 2000));
        var fillers = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => RawChatConnection.ConnectAsync(host.BaseAddress, $"filler{i}")));
        try
        {
            await Task.WhenAll(fillers.Select(f => f.JoinAsync("big")));
            await Task.WhenAll(fillers.SelectMany(f => Enumerable.Range(0, Messages / fillers.Length).Select(_ => f.SendAsync("big", text))));
        }
        finally
        {
            foreach (var filler in fillers)
            {
                await filler.DisposeAsync();
            }
        }

        output.WriteLine($"filled in {clock.Elapsed.TotalSeconds:F1} s");
        await using var bob = await host.ConnectAsync("bob");
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var attackers = new List<IDisposable>();
        try
        {
            foreach (var _ in Enumerable.Range(0, Connections))
            {
                attackers.Add(await NeverReadingAsync(host, "mallory", "big"));
            }

            // Bounded: samples of the live heap and of bob's round trip while the replies are made and wait.
            var peak = 0L;
            var roundTrips = new List<TimeSpan>();
            var maxConnections = 0;
            for (var i = 0; i < 40; i++)
            {
                maxConnections = Math.Max(maxConnections, presence.ConnectionsOf("mallory"));
                var started = Stopwatch.GetTimestamp();
                Assert.Equal("pong", await bob.PingAsync().DefaultTimeout());
                roundTrips.Add(Stopwatch.GetElapsedTime(started));
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - heapBefore);
                await Task.Delay(200);
            }

            output.WriteLine($"attack sampled for {clock.Elapsed.TotalSeconds:F1} s; heap growth peak {peak >> 20} MB (bound {HeapBound >> 20} MB); RSS {Environment.WorkingSet >> 20} MB; " +
                $"bob's ping: median {roundTrips.Order().ElementAt(roundTrips.Count / 2).TotalMilliseconds:F1} ms, max {roundTrips.Max().TotalMilliseconds:F1} ms");
            Assert.Equal(Connections, maxConnections);
            // Every catch-up was let through (the allowance is far above 8 a connection) and made its reply.
            Assert.Equal(Connections * InFlight, host.Recorder.Of("mallory").Count(i => i.Method == HubMethods.JoinRoom));
            Assert.True(peak < HeapBound, $"the live heap grew by {peak >> 20} MB");
        }
        finally
        {
            attackers.ForEach(a => a.Dispose());
        }

        // A catch-up page of these texts stops at the budget, and says so.
        var page = await bob.JoinRoomAsync("big", sinceId: 0).DefaultTimeout();
        Assert.False(page.Complete);
        Assert.InRange(page.Messages.Sum(HistoryService.EncodedSize), 1, HistoryOptions.MaxPageBytes);
    }

    /// <summary>
    /// A connection of <paramref name="userId"/> with a small receive buffer that sends the handshake, a join and
    /// <see cref="InFlight"/> catch-ups of the whole room from the start, and never reads anything.
    /// </summary>
    private static async Task<IDisposable> NeverReadingAsync(HubAppHost host, string userId, string room)
    {
        var connection = await SmallBufferSocket.ConnectAsync(host, userId);
        var records = new StringBuilder("""{"protocol":"json","version":1}""" + RawHubSocket.Separator);
        for (var i = 0; i < InFlight; i++)
        {
            records.Append(System.Globalization.CultureInfo.InvariantCulture, $$"""{"type":1,"invocationId":"{{i}}","target":"{{HubMethods.JoinRoom}}","arguments":["{{room}}",0]}""").Append(RawHubSocket.Separator);
        }

        await connection.Socket.SendAsync(Encoding.UTF8.GetBytes(records.ToString()), WebSocketMessageType.Text, true, CancellationToken.None).DefaultTimeout();
        return connection;
    }
}
