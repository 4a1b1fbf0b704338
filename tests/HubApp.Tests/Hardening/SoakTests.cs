using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using HubApp.Client;
using HubApp.Contracts;
using HubApp.Presence;
using HubApp.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace HubApp.Tests.Hardening;

/// <summary>
/// A minute of churn against one host: members who stay, and members who come and go, some of them cut off
/// by the server and reconnecting. Afterwards every room's history holds every acknowledged message, every
/// member who stayed received the room's messages once each and in id order, and the host is back where it
/// began: no connection, user, room or presence left over, and the heap near its size before the churn.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class SoakTests(ITestOutputHelper output)
{
    /// <summary>A minute in the suite; HUBAPP_SOAK_SECONDS (set by <c>scripts/soak.sh</c>) runs it longer.</summary>
    private static readonly TimeSpan ChurnDuration = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("HUBAPP_SOAK_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 ? seconds : 60);

    // A churner's cycle lasts at least this long: with at most four joins a cycle (two rooms, rejoined once after
    // an abort) that keeps each churner under the per-user join allowance (JoinRateLimiter) for the whole run.
    private static readonly TimeSpan MinimumCycle = TimeSpan.FromSeconds(1.5);

    private static readonly string[] Rooms = ["soak-a", "soak-b", "soak-c"];

    [Fact]
    public async Task UnderAMinuteOfChurnEveryAcknowledgedMessageReachesEveryoneWhoStayedOnceInOrderAndNothingLeaks()
    {
        const int stayerCount = 10, senderStayers = 4, churnerCount = 15;
        await using var host = await HubAppHost.StartAsync();
        await WarmUpAsync(host);
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);

        var acknowledged = new ConcurrentBag<ChatMessage>();
        var stayers = new List<Stayer>();
        try
        {
            for (var i = 0; i < stayerCount; i++)
            {
                // Each stayer in two of the three rooms, so that every room has several of them.
                stayers.Add(await Stayer.JoinAsync(host, $"stayer-{i}", [Rooms[i % 3], Rooms[(i + 1) % 3]]));
            }

            var end = DateTime.UtcNow + ChurnDuration;
            var churnTotals = new ConcurrentBag<(int Cycles, int Aborts)>();
            var work = new List<Task>();
            work.AddRange(stayers.Take(senderStayers).Select((s, i) => Task.Run(() => s.SendUntilAsync(end, new Random(i), acknowledged))));
            work.AddRange(Enumerable.Range(0, churnerCount).Select(i => Task.Run(async () =>
                churnTotals.Add(await ChurnAsync(host, $"churner-{i}", end, new Random(1000 + i), acknowledged)))));
            await Task.WhenAll(work).WaitAsync(ChurnDuration + TestTimeouts.Slow);

            var byRoom = acknowledged.GroupBy(m => m.Room).ToDictionary(g => g.Key, g => g.OrderBy(m => m.Id).ToArray());
            output.WriteLine($"{acknowledged.Count} messages acknowledged ({string.Join(", ", byRoom.Select(r => $"{r.Key}: {r.Value.Length}"))}); " +
                $"{churnTotals.Sum(c => c.Cycles)} churn cycles, {churnTotals.Sum(c => c.Aborts)} server-side aborts");
            Assert.Equal(Rooms.Order(), byRoom.Keys.Order());
            Assert.All(churnTotals, c => Assert.True(c.Aborts > 0, "a churner was never aborted"));

            foreach (var room in Rooms)
            {
                var members = stayers.Where(s => s.Rooms.Contains(room)).ToArray();
                var history = await members[0].ReadHistoryAsync(room);
                Assert.Equal(history.Select(m => m.Id).Order(), history.Select(m => m.Id)); // ascending
                Assert.Equal(history.Count, history.Select(m => m.Id).Distinct().Count());
                var missing = byRoom[room].Except(history).ToArray();
                Assert.True(missing.Length == 0, $"{room}: {missing.Length} acknowledged messages are not in history, e.g. {missing.FirstOrDefault()}");

                // Every stayer got exactly the room's history: each message once, in id order.
                foreach (var stayer in members)
                {
                    await stayer.Received.AssertReceivedExactlyAsync(stayer.UserId, room, history);
                }
            }
        }
        finally
        {
            foreach (var stayer in stayers)
            {
                await stayer.DisposeAsync();
            }
        }

        var stats = await LiveStats.WhenEmptyAsync(host.BaseAddress);
        Assert.True(stats.IsEmpty(), $"left over after everyone left: {stats.Describe()}");
        var presence = host.Services.GetRequiredService<PresenceTracker>();
        Assert.Equal(0, presence.Counts().Connections);
        Assert.All(Rooms, room => Assert.Empty(presence.Members(room)));

        // The host runs in this process, so this is the whole heap: host, clients and the test's own records.
        // What may legitimately stay: the test's two or three thousand acknowledged messages and each stayer's received ids
        // (well under 5 MB), captured log lines (Information and up: a few per connection), SQLite's page
        // cache and connection pool, ASP.NET Core's and SignalR's pooled buffers. 50 MB is many times that and
        // far below what leaking the churned connections would cost (each holds pipes, buffers and a
        // WebSocket: hundreds of connections times their buffers, and every message ever sent through them).
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        output.WriteLine($"heap before {heapBefore >> 20} MB, after {heapAfter >> 20} MB");
        Assert.True(heapAfter - heapBefore < 50L << 20, $"the heap grew by {(heapAfter - heapBefore) >> 20} MB");
    }

    // One churner: connect, join one or two rooms, send a few messages, then either leave by disposing or get
    // cut off by the server, reconnect (the client rejoins by itself), send again and leave. Until the end.
    private static async Task<(int Cycles, int Aborts)> ChurnAsync(HubAppHost host, string userId, DateTime end, Random random, ConcurrentBag<ChatMessage> acknowledged)
    {
        var cycles = 0;
        var aborts = 0;
        while (DateTime.UtcNow < end && cycles < 1000)
        {
            var cycle = Stopwatch.StartNew();
            await using (var client = host.CreateClient(userId))
            {
                var reconnected = new Inbox<bool>();
                client.Reconnected += () => reconnected.Add(true);
                await client.StartAsync().DefaultTimeout();
                var rooms = Rooms.OrderBy(_ => random.Next()).Take(random.Next(1, 3)).ToArray();
                foreach (var room in rooms)
                {
                    await client.JoinRoomAsync(room).DefaultTimeout();
                }

                await SendAsync(client, rooms, random.Next(1, 4), random, userId, acknowledged);
                if (random.Next(3) == 0 || (aborts == 0 && cycles >= 2))
                {
                    host.Aborter.AbortUser(userId);
                    await reconnected.NextAsync(TestTimeouts.Slow);
                    aborts++;
                    await SendAsync(client, rooms, 1, random, userId, acknowledged);
                }
            }

            cycles++;
            var rest = MinimumCycle - cycle.Elapsed + TimeSpan.FromMilliseconds(random.Next(0, 500));
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest);
            }
        }

        return (cycles, aborts);
    }

    private static async Task SendAsync(ChatClient client, string[] rooms, int count, Random random, string userId, ConcurrentBag<ChatMessage> acknowledged)
    {
        for (var i = 0; i < count; i++)
        {
            var room = rooms[random.Next(rooms.Length)];
            acknowledged.Add(await client.SendMessageAsync(room, $"{userId} {Guid.NewGuid():N}").DefaultTimeout());
        }
    }

    // JIT, SQLite's first connection and Kestrel's first socket are not what the heap check is about.
    private static async Task WarmUpAsync(HubAppHost host)
    {
        await using var client = await host.ConnectAsync("warm-up");
        await client.JoinRoomAsync("warm-up").DefaultTimeout();
        await client.SendMessageAsync("warm-up", "hello").DefaultTimeout();
        await client.GetHistoryAsync("warm-up", null, 10).DefaultTimeout();
        await client.StopAsync().DefaultTimeout();
        await LiveStats.WhenEmptyAsync(host.BaseAddress);
    }

    /// <summary>A member connected for the whole run, recording the ids it receives per room.</summary>
    private sealed class Stayer : IAsyncDisposable
    {
        private readonly ChatClient _client;

        private Stayer(string userId, ChatClient client, string[] rooms)
        {
            UserId = userId;
            _client = client;
            Rooms = rooms;
            Received = new ReceivedIds(client);
        }

        public string UserId { get; }

        public ReceivedIds Received { get; }

        public string[] Rooms { get; }

        public static async Task<Stayer> JoinAsync(HubAppHost host, string userId, string[] rooms)
        {
            var client = await host.ConnectAsync(userId);
            var stayer = new Stayer(userId, client, rooms);
            foreach (var room in rooms)
            {
                await client.JoinRoomAsync(room).DefaultTimeout();
            }

            return stayer;
        }

        public async Task SendUntilAsync(DateTime end, Random random, ConcurrentBag<ChatMessage> acknowledged)
        {
            for (var i = 0; i < 10_000 && DateTime.UtcNow < end; i++)
            {
                await SendAsync(_client, Rooms, 1, random, UserId, acknowledged);
                await Task.Delay(random.Next(200, 500));
            }
        }

        public Task<IReadOnlyList<ChatMessage>> ReadHistoryAsync(string room) => RoomHistory.ReadAllAsync(_client, room);

        public ValueTask DisposeAsync() => _client.DisposeAsync();
    }
}
