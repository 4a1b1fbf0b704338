using HubApp.Contracts;
using HubApp.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace HubApp.Tests.ScaleOut;

public sealed partial class MultiNodeTests
{
    /// <summary>
    /// The join's rule on a cluster: the joiner's node tracks the room before the joiner reads history, so a connection that
    /// is the first of its node in a room, joining while another node writes to it, has every entry from its snapshot's
    /// first on in the snapshot, live, or both, never neither; and live once each, in id order.
    /// </summary>
    [Theory]
    [InlineData(Engine.Postgres)]
    [InlineData(Engine.Redis)]
    public async Task AFirstJoinerOfItsNodeWhileAnotherNodeWritesGetsEveryEntryByHistoryOrLiveOnceAndInOrder(Engine engine)
    {
        const int RoomCount = 4, RoundsAfterTheJoins = 5, MaxRounds = 400;
        await using var cluster = await ScaleOutCluster.StartAsync(engine, nodes: 2);
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        var rooms = Enumerable.Range(0, RoomCount).Select(i => $"stream-{i}").ToArray();
        await using var writer = await a.ConnectAsync("writer");
        foreach (var room in rooms)
        {
            await writer.JoinRoomAsync(room).DefaultTimeout();
        }

        // Only the writing task touches these until it has finished.
        var acked = rooms.ToDictionary(room => room, _ => new List<ChatMessage>());
        var firstRound = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writing = Task.Run(async () =>
        {
            var afterTheJoins = 0;
            for (var round = 0; round < MaxRounds && afterTheJoins < RoundsAfterTheJoins; round++)
            {
                foreach (var room in rooms)
                {
                    acked[room].Add(await writer.SendMessageAsync(room, $"{round}").DefaultTimeout());
                }

                firstRound.TrySetResult();
                afterTheJoins += joined.Task.IsCompleted ? 1 : 0;
            }
        });

        // A user of its own per room, so that each join is its node's first in that room (nothing tracks it there yet).
        var joiners = new List<(string Room, HubConnection Hub, Inbox<ChatMessage> Live, RoomSnapshot Snapshot)>();
        try
        {
            await firstRound.Task.DefaultTimeout(TestTimeouts.Slow);
            foreach (var room in rooms)
            {
                var hub = new HubConnectionBuilder()
                    .WithUrl(new Uri(b.BaseAddress, HubMethods.Path), HttpTransportType.WebSockets, o => o.AccessTokenProvider = () => Task.FromResult<string?>(TestTokens.Create($"reader-{room}", "Reader")))
                    .Build();
                var live = new Inbox<ChatMessage>();
                hub.On<ChatMessage>(nameof(IChatClient.MessageReceived), live.Add);
                await hub.StartAsync().DefaultTimeout();
                var snapshot = await hub.InvokeAsync<RoomSnapshot>(HubMethods.JoinRoom, room, null).DefaultTimeout();
                joiners.Add((room, hub, live, snapshot));
            }

            joined.SetResult();
            await writing.DefaultTimeout(TestTimeouts.Slow);

            foreach (var (room, _, live, snapshot) in joiners)
            {
                var sent = acked[room];
                Assert.NotEmpty(snapshot.Messages);
                var last = sent[^1].Id;
                await live.NextAsync(m => m.Id == last, TestTimeouts.Slow);
                var liveIds = live.All.Select(m => m.Id).ToList();
                Assert.True(liveIds.Zip(liveIds.Skip(1)).All(p => p.First < p.Second), $"{room}: live ids once each and in order: {string.Join(',', liveIds)}");
                var first = Math.Min(snapshot.Messages[0].Id, liveIds[0]);
                Assert.Equal(
                    sent.Where(m => m.Id >= first).Select(m => m.Id),
                    snapshot.Messages.Select(m => m.Id).Union(liveIds).Order());
            }
        }
        finally
        {
            joined.TrySetResult();
            foreach (var (_, hub, _, _) in joiners)
            {
                await hub.DisposeAsync();
            }
        }

        Assert.All(cluster.Nodes, n => Assert.True(n.Problems("fail").Count == 0 && n.Problems("crit").Count == 0, cluster.Logs()));
    }
}
