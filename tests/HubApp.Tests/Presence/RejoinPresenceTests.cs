using HubApp.Client;
using HubApp.Contracts;
using HubApp.Presence;
using HubApp.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HubApp.Tests.Presence;

/// <summary>
/// Rejoins at the same moment, as after a host restart, never leave a present user out of the other's list: each join is
/// in the other's snapshot or arrives as an event after it, whatever order the two take (<see cref="RejoinProbe"/>).
/// </summary>
public sealed class RejoinPresenceTests : IAsyncLifetime
{
    public const int Rounds = 40;

    private readonly MembersReadGate _gate = new();
    private HubAppHost _host = null!;
    private int _rooms;

    public async Task InitializeAsync() =>
        _host = await HubAppHost.StartAsync(services: s => s.Replace(ServiceDescriptor.Singleton<IPresenceDirectory>(p => _gate.Wrap(ActivatorUtilities.CreateInstance<LocalPresenceDirectory>(p)))));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData(ChatProtocol.Json, false)]
    [InlineData(ChatProtocol.MessagePack, false)]
    [InlineData(ChatProtocol.Json, true)]
    [InlineData(ChatProtocol.MessagePack, true)]
    public async Task TwoUsersRejoiningAtOnceEachListTheOtherEveryTime(ChatProtocol protocol, bool batched)
    {
        for (var round = 0; round < Rounds; round++)
        {
            RejoinProbe.AssertBothListed(round, await RejoinProbe.RejoinAsync(_host.BaseAddress, _host.BaseAddress, protocol, NewRoom(), batched));
        }
    }

    [Theory]
    [InlineData(ChatProtocol.Json, false)]
    [InlineData(ChatProtocol.MessagePack, false)]
    [InlineData(ChatProtocol.Json, true)]
    [InlineData(ChatProtocol.MessagePack, true)]
    public async Task AJoinMadeWhileAnotherJoinsSnapshotIsStillOnItsWayReachesThatJoinerAfterItsSnapshot(ChatProtocol protocol, bool batched)
    {
        var room = NewRoom();
        await using var alice = await RejoinProbe.Page.StartAsync(_host.BaseAddress, "alice", protocol, batched);
        await using var bob = await RejoinProbe.Page.StartAsync(_host.BaseAddress, "bob", protocol, batched);
        // Alice's join reads the members (alone), then waits for bob's join to read them: bob becomes present, and his
        // UserJoined is sent, while alice's snapshot is still to be written.
        var aliceRead = _gate.Hold(room);
        var aliceJoin = alice.JoinAsync(room);
        await aliceRead.DefaultTimeout();
        await bob.JoinAsync(room).DefaultTimeout();
        await aliceJoin.DefaultTimeout();

        var (aliceLists, bobLists) = await RejoinProbe.ListedByBothAsync(alice, bob);

        RejoinProbe.AssertBothListed(0, (aliceLists, bobLists));
    }

    private string NewRoom() => $"rejoin-{Interlocked.Increment(ref _rooms)}";

    /// <summary>
    /// The single node's directory, but for a room named in <see cref="Hold"/>: its first members read is answered only once
    /// a second one has begun, so that the second joiner becomes present between the first joiner's read and its answer.
    /// </summary>
    private sealed class MembersReadGate
    {
        private readonly Dictionary<string, (TaskCompletionSource FirstRead, TaskCompletionSource SecondBegun)> _held = new(StringComparer.Ordinal);

        public Task Hold(string room)
        {
            var gate = (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            lock (_held)
            {
                _held[room] = gate;
            }

            return gate.Item1.Task;
        }

        public IPresenceDirectory Wrap(IPresenceDirectory inner) => new Directory(inner, this);

        private async Task<IReadOnlyList<Member>> MembersAsync(IPresenceDirectory inner, string room, CancellationToken cancellationToken)
        {
            (TaskCompletionSource FirstRead, TaskCompletionSource SecondBegun) gate;
            bool held;
            lock (_held)
            {
                held = _held.TryGetValue(room, out gate);
            }

            if (!held)
            {
                return await inner.MembersAsync(room, cancellationToken);
            }

            if (gate.FirstRead.Task.IsCompleted)
            {
                gate.SecondBegun.TrySetResult();
                return await inner.MembersAsync(room, cancellationToken);
            }

            var members = await inner.MembersAsync(room, cancellationToken);
            gate.FirstRead.TrySetResult();
            await gate.SecondBegun.Task.WaitAsync(TestTimeouts.Default, cancellationToken);
            return members;
        }

        private sealed class Directory(IPresenceDirectory inner, MembersReadGate gate) : IPresenceDirectory
        {
            public Task<bool> ConnectedAsync(string connectionId, Member member, int maxPerUser, CancellationToken cancellationToken) => inner.ConnectedAsync(connectionId, member, maxPerUser, cancellationToken);

            public Task<bool> JoinedAsync(ChatCaller caller, string room, bool firstHere, CancellationToken cancellationToken) => inner.JoinedAsync(caller, room, firstHere, cancellationToken);

            public Task RemovedAsync(string room, string? userId, IReadOnlyList<string>? onlyReaders, CancellationToken cancellationToken) => inner.RemovedAsync(room, userId, onlyReaders, cancellationToken);

            public Task<bool> LeftAsync(string connectionId, Member member, string room, bool lastHere, CancellationToken cancellationToken) => inner.LeftAsync(connectionId, member, room, lastHere, cancellationToken);

            public Task<IReadOnlyList<string>> DisconnectedAsync(string connectionId, Member member, IReadOnlyList<string> goneHere, CancellationToken cancellationToken) => inner.DisconnectedAsync(connectionId, member, goneHere, cancellationToken);

            public Task<IReadOnlyList<string>> ConnectionsOfAsync(string userId, CancellationToken cancellationToken) => inner.ConnectionsOfAsync(userId, cancellationToken);

            public Task<IReadOnlyList<Member>> MembersAsync(string room, CancellationToken cancellationToken) => gate.MembersAsync(inner, room, cancellationToken);

            public Task<PresenceCounts> CountsAsync(CancellationToken cancellationToken) => inner.CountsAsync(cancellationToken);
        }
    }
}
