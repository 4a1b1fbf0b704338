using System.Collections.Concurrent;
using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.Hardening;

/// <summary>
/// The single-node host (SQLite, no backplane) as a real process that dies (SIGKILL) or is stopped (SIGTERM) while
/// several clients send as fast as they can to several rooms, then starts again on the same database: nothing
/// acknowledged is lost, nothing stored is half-written, and ids go on where they stopped.
/// </summary>
public sealed class ProcessFaultTests
{
    private static readonly string[] Rooms = ["alpha", "beta", "gamma"];
    private static readonly string[] Users = ["ann", "ben", "cid", "dee"];

    [Fact]
    public async Task AHostKilledMidBurstLosesNothingAcknowledgedAndIdsContinueAfterRestart()
    {
        var data = Directory.CreateTempSubdirectory("hubapp-kill-");
        try
        {
            var port = HostProcess.FreePort();
            await using (var host = await HostProcess.StartSqliteAsync(data.FullName, port))
            {
                var clients = await ConnectAllAsync(host, autoReconnect: false);
                var burst = new Burst(clients);
                await burst.WaitForAcksAsync(300);
                await host.KillAsync();
                await burst.StopAsync();
                await DisposeAllAsync(clients);
                await using var restarted = await HostProcess.StartSqliteAsync(data.FullName, port);
                await AssertHistoryHoldsWhatWasAcknowledgedAsync(restarted, burst);
            }
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task SigtermClosesConnectionsCommitsQueuedWritesAndExitsCleanlyWellWithinTheShutdownTimeout()
    {
        var data = Directory.CreateTempSubdirectory("hubapp-term-");
        try
        {
            var port = HostProcess.FreePort();
            // The host's default shutdown timeout (30 s): before connections were closed on SIGTERM, the open
            // WebSockets kept a single node alive that long.
            await using var host = await HostProcess.StartSqliteAsync(data.FullName, port, settings: new Dictionary<string, string> { ["HostOptions__ShutdownTimeout"] = "00:00:30" });
            var clients = await ConnectAllAsync(host, autoReconnect: true);
            var reconnected = clients.Select(WhenReconnected).ToArray();
            try
            {
                var burst = new Burst(clients);
                await burst.WaitForAcksAsync(300);
                host.Terminate();
                await host.WaitForExitAsync(TimeSpan.FromSeconds(10));
                Assert.True(host.ExitCode == 0, $"exit code {host.ExitCode}:{Environment.NewLine}{host.Output}");
                Assert.Contains(host.Output.Split(Environment.NewLine), l => l.Contains("Shutting down: closing", StringComparison.Ordinal));
                await burst.StopAsync();

                await using var restarted = await HostProcess.StartSqliteAsync(data.FullName, port);
                await AssertHistoryHoldsWhatWasAcknowledgedAsync(restarted, burst);
                // The clients that were cut off came back to the node by themselves and can send again.
                // A client may first have landed on the stopping host during its close sweep and been sent away
                // again: what counts is that each ends up connected to the restarted one.
                await Task.WhenAll(reconnected).DefaultTimeout(TestTimeouts.Slow);
                foreach (var client in clients)
                {
                    Assert.Equal("pong", await PingWhenConnectedAsync(client));
                }
            }
            finally
            {
                await DisposeAllAsync(clients);
            }
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private static async Task<ChatClient[]> ConnectAllAsync(HostProcess host, bool autoReconnect)
    {
        var clients = new List<ChatClient>();
        foreach (var user in Users)
        {
            var client = await host.ConnectAsync(user, autoReconnect);
            clients.Add(client);
            foreach (var room in Rooms)
            {
                await client.JoinRoomAsync(room).DefaultTimeout();
            }
        }

        return [.. clients];
    }

    private static async Task DisposeAllAsync(IEnumerable<ChatClient> clients)
    {
        foreach (var client in clients)
        {
            await client.DisposeAsync().DefaultTimeout();
        }
    }

    private static async Task<string> PingWhenConnectedAsync(ChatClient client)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Slow);
        while (client.State != ChatConnectionState.Connected)
        {
            await Task.Delay(50, timeout.Token);
        }

        return await client.PingAsync().DefaultTimeout();
    }

    private static Task WhenReconnected(ChatClient client)
    {
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Reconnected += () =>
        {
            reconnected.TrySetResult();
            return Task.CompletedTask;
        };
        return reconnected.Task;
    }

    // Every acknowledged message is stored as acknowledged; whatever else is stored was sent (its sender just
    // never got the answer) and is whole; a room's ids run 1..n without gaps or doubles; a new message gets n + 1.
    private static async Task AssertHistoryHoldsWhatWasAcknowledgedAsync(HostProcess host, Burst burst)
    {
        await using var reader = await host.ConnectAsync("reader", autoReconnect: false);
        foreach (var room in Rooms)
        {
            var stored = await RoomHistory.ReadAllAsync(reader, room);
            Assert.Equal(Enumerable.Range(1, stored.Count).Select(i => (long)i), stored.Select(m => m.Id));
            var acked = burst.Acknowledged.Where(m => m.Room == room).ToArray();
            Assert.True(acked.Length > 0, $"nothing was acknowledged in {room}");
            var byId = stored.ToDictionary(m => m.Id);
            foreach (var message in acked)
            {
                Assert.True(byId.TryGetValue(message.Id, out var found), $"acknowledged {room}#{message.Id} is missing after the restart{Environment.NewLine}{host.Output}");
                Assert.Equal(message, found);
            }

            foreach (var message in stored)
            {
                Assert.True(burst.Sent.TryGetValue(message.Text, out var sender), $"{room}#{message.Id} holds a text no one sent: {message.Text}");
                Assert.Equal((room, message.UserId), sender);
            }

            Assert.Equal(stored.Count, stored.Select(m => m.Text).Distinct().Count());
            var next = await reader.SendMessageAsync(room, "after the restart").DefaultTimeout();
            Assert.Equal(stored.Count + 1, next.Id);
        }
    }

    /// <summary>
    /// Every client sends to every room it joined as fast as the server answers (one send in flight per room,
    /// so a client has several), each text unique. A send that fails (the host went away) is not acknowledged.
    /// </summary>
    private sealed class Burst
    {
        private readonly ConcurrentQueue<ChatMessage> _acked = new();
        private volatile bool _stopped;
        private readonly Task[] _loops;

        public Burst(IReadOnlyList<ChatClient> clients)
        {
            _loops = [.. clients.SelectMany((client, c) => Rooms.Select(room => Task.Run(() => SendAsync(client, Users[c], room))))];
        }

        /// <summary>Every text sent (acknowledged or not), with its room and sender.</summary>
        public ConcurrentDictionary<string, (string Room, string UserId)> Sent { get; } = new();

        public IReadOnlyCollection<ChatMessage> Acknowledged => _acked;

        public async Task WaitForAcksAsync(int count)
        {
            var deadline = DateTime.UtcNow + TestTimeouts.Slow;
            while (_acked.Count < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"only {_acked.Count} of {count} sends were acknowledged in time");
                await Task.Delay(20);
            }
        }

        public async Task StopAsync()
        {
            _stopped = true;
            await Task.WhenAll(_loops).DefaultTimeout();
        }

        private async Task SendAsync(ChatClient client, string user, string room)
        {
            for (var i = 0; !_stopped; i++)
            {
                // Long enough to span several SQLite pages in a batch, so a torn write would show.
                var text = $"{user} in {room}, message {i}: " + new string((char)('a' + (i % 26)), 300);
                Sent[text] = (room, user);
                try
                {
                    // The raw invocation, failing at once: SendMessageAsync would wait for the host and retry.
                    _acked.Enqueue(await client.PostMessageAsync(room, text, null).DefaultTimeout());
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Not acknowledged: the host is gone or stopping, or the client is reconnecting.
                    await Task.Delay(50);
                }
            }
        }
    }
}
