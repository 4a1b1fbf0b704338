using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace HubApp.Tests.Presence;

/// <summary>
/// Two users whose fresh connections join one room at the same moment, as after a host restart, each keeping a member
/// list the way a page does: the snapshot's members, then every <c>UserJoined</c> and <c>UserLeft</c> that arrives after
/// the snapshot. An event that arrives before the snapshot is left to the snapshot: the official clients process messages
/// in arrival order, and a page that replaces its list with the snapshot drops it.
/// </summary>
internal static class RejoinProbe
{
    /// <summary>
    /// One rejoin: alice on <paramref name="aliceServer"/>, bob on <paramref name="bobServer"/>, joining <paramref name="room"/>
    /// at once; waits (bounded) until each lists the other, and answers what each lists then, or when the bound ran out.
    /// </summary>
    public static async Task<(IReadOnlyList<string> Alice, IReadOnlyList<string> Bob)> RejoinAsync(Uri aliceServer, Uri bobServer, ChatProtocol protocol, string room, bool batched = false)
    {
        await using var alice = await Page.StartAsync(aliceServer, "alice", protocol, batched);
        await using var bob = await Page.StartAsync(bobServer, "bob", protocol, batched);
        await Task.WhenAll(alice.JoinAsync(room), bob.JoinAsync(room)).DefaultTimeout();
        return await ListedByBothAsync(alice, bob);
    }

    /// <summary>What alice and bob list once each lists the other, or when the bound ran out.</summary>
    public static async Task<(IReadOnlyList<string> Alice, IReadOnlyList<string> Bob)> ListedByBothAsync(Page alice, Page bob)
    {
        try
        {
            await Task.WhenAll(alice.ListedAsync("bob"), bob.ListedAsync("alice")).DefaultTimeout();
        }
        catch (TimeoutException)
        {
            // Left out for good: what each lists is the answer.
        }

        return (alice.Members(), bob.Members());
    }

    public static void AssertBothListed(int round, (IReadOnlyList<string> Alice, IReadOnlyList<string> Bob) lists) =>
        Assert.True(
            lists.Alice.SequenceEqual(["alice", "bob"]) && lists.Bob.SequenceEqual(["alice", "bob"]),
            $"Round {round}: alice listed [{string.Join(", ", lists.Alice)}], bob [{string.Join(", ", lists.Bob)}].");

    /// <summary>The official protocol, telling what it reads, in the order it reads it.</summary>
    private sealed class ArrivalOrder(IHubProtocol inner, Action<HubMessage> read) : IHubProtocol
    {
        public string Name => inner.Name;

        public int Version => inner.Version;

        public TransferFormat TransferFormat => inner.TransferFormat;

        public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
        {
            if (!inner.TryParseMessage(ref input, binder, out message))
            {
                return false;
            }

            read(message);
            return true;
        }

        public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(message, output);

        public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(message);

        public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);
    }

    /// <summary>One user's page: a connection and the member list it keeps of one room.</summary>
    public sealed class Page : IAsyncDisposable
    {
        private readonly HubConnection _hub;
        private readonly Lock _gate = new();
        private readonly SortedSet<string> _members = new(StringComparer.Ordinal);
        private Task<RoomSnapshot>? _join;

        // Events that arrived after the answer but were handled before the code awaiting it ran.
        private readonly List<(string UserId, bool Present)> _after = [];
        private bool _snapshotApplied;
        private bool _answered;
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private Page(HubConnection hub)
        {
            _hub = hub;
            // Handlers run on the connection's receive loop, one message at a time in arrival order, each after it is read
            // (ArrivalOrder), so a handler knows whether the join's answer came before its event.
            hub.On<PresenceEvent>(nameof(IChatClient.UserJoined), e => Apply(e, present: true));
            hub.On<PresenceEvent>(nameof(IChatClient.UserLeft), e => Apply(e, present: false));
            hub.On<PresenceBatch>(nameof(IChatClient.PresenceChanged), batch =>
            {
                foreach (var member in batch.Left)
                {
                    Apply(new PresenceEvent(batch.Room, member.UserId, member.UserName, batch.At), present: false);
                }

                foreach (var member in batch.Joined)
                {
                    Apply(new PresenceEvent(batch.Room, member.UserId, member.UserName, batch.At), present: true);
                }
            });
        }

        /// <summary><paramref name="batched"/>: the page asks for batched presence (<c>PresenceChanged</c>).</summary>
        public static async Task<Page> StartAsync(Uri server, string userId, ChatProtocol protocol, bool batched = false)
        {
            Page? page = null;
            IHubProtocol inner = protocol == ChatProtocol.MessagePack ? new MessagePackHubProtocol() : new JsonHubProtocol();
            var builder = new HubConnectionBuilder().WithUrl(
                new Uri(server, HubMethods.Path + (batched ? $"?{PresenceModes.QueryParameter}={PresenceModes.Batched}" : string.Empty)),
                HttpTransportType.WebSockets,
                o => o.AccessTokenProvider = () => Task.FromResult<string?>(TestTokens.Create(userId, userId)));
            builder.Services.AddSingleton<IHubProtocol>(new ArrivalOrder(inner, message => page!.Parsed(message)));
            page = new Page(builder.Build());
            await page._hub.StartAsync().DefaultTimeout();
            return page;
        }

        public async Task JoinAsync(string room)
        {
            var join = _hub.InvokeCoreAsync<RoomSnapshot>(HubMethods.JoinRoom, [room, null]);
            lock (_gate)
            {
                _join = join;
            }

            var snapshot = await join.DefaultTimeout();
            lock (_gate)
            {
                _members.UnionWith(snapshot.Members.Select(m => m.UserId));
                foreach (var (userId, present) in _after)
                {
                    Set(userId, present);
                }

                _snapshotApplied = true;
                Changed();
            }
        }

        /// <summary>Completes once the list holds <paramref name="userId"/>.</summary>
        public Task ListedAsync(string userId)
        {
            lock (_gate)
            {
                return _members.Contains(userId) ? Task.CompletedTask : WaitAsync();
            }

            async Task WaitAsync()
            {
                while (true)
                {
                    Task changed;
                    lock (_gate)
                    {
                        if (_members.Contains(userId))
                        {
                            return;
                        }

                        changed = _changed.Task;
                    }

                    await changed;
                }
            }
        }

        public IReadOnlyList<string> Members()
        {
            lock (_gate)
            {
                return [.. _members];
            }
        }

        public ValueTask DisposeAsync() => _hub.DisposeAsync();

        // On the receive loop, as each message is read, before it is handled: the join's answer is read in arrival order.
        private void Parsed(HubMessage message)
        {
            if (message is CompletionMessage)
            {
                lock (_gate)
                {
                    _answered |= _join is not null;
                }
            }
        }

        private void Apply(PresenceEvent e, bool present)
        {
            lock (_gate)
            {
                if (!_answered)
                {
                    return;
                }

                if (_snapshotApplied)
                {
                    Set(e.UserId, present);
                }
                else
                {
                    _after.Add((e.UserId, present));
                }
            }
        }

        // Under the lock.
        private void Set(string userId, bool present)
        {
            if (present)
            {
                _members.Add(userId);
            }
            else
            {
                _members.Remove(userId);
            }

            Changed();
        }

        private void Changed()
        {
            var changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.TrySetResult();
        }
    }
}
