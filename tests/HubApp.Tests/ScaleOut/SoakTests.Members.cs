using System.Collections.Concurrent;
using System.Diagnostics;
using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;

namespace HubApp.Tests.ScaleOut;

public sealed partial class SoakTests
{
    /// <summary>
    /// A user connected to one node for the whole soak (reconnecting by itself when that node restarts), in every soak
    /// room, who keeps using every method at a human pace and remembers what it did: its messages (to edit and delete
    /// them), the read markers it set and the ones the server reported back, which must never move back.
    /// </summary>
    private sealed class Stayer : IAsyncDisposable
    {
        private readonly Ledger _ledger;
        private readonly Random _random;
        private readonly string[] _peers;

        // Only this member's task touches these.
        private readonly List<ChatMessage> _mine = [];
        private readonly HashSet<long> _deleted = [];
        private readonly Dictionary<string, long> _roomMarked = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _roomMarkerSeen = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _directMarked = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _directMarkerSeen = new(StringComparer.Ordinal);

        private Stayer(string userId, int node, ChatClient client, Ledger ledger, Random random, string[] peers)
        {
            UserId = userId;
            Node = node;
            Client = client;
            _ledger = ledger;
            _random = random;
            _peers = peers;
            Received = new ReceivedIds(client);
            client.DirectMessageReceived += m =>
            {
                DirectReceived.Enqueue(m);
                return Task.CompletedTask;
            };
        }

        public string UserId { get; }

        /// <summary>The index of its node in the cluster.</summary>
        public int Node { get; }

        public ChatClient Client { get; }

        public ReceivedIds Received { get; }

        public ConcurrentQueue<DirectMessage> DirectReceived { get; } = new();

        /// <summary>The highest read marker it set per room and per conversation: where the server's must end.</summary>
        public IReadOnlyDictionary<string, long> RoomMarked => _roomMarked;

        public IReadOnlyDictionary<string, long> DirectMarked => _directMarked;

        public static async Task<Stayer> ConnectAsync(NodeProcess node, int index, string userId, Ledger ledger, Random random, string[] peers)
        {
            var client = await node.ConnectAsync(userId, maxReconnectAttempts: MaxReconnectAttempts);
            return new Stayer(userId, index, client, ledger, random, peers);
        }

        public async Task JoinAsync()
        {
            foreach (var room in Rooms)
            {
                await Client.JoinRoomAsync(room).DefaultTimeout();
            }
        }

        /// <summary>One action every 250–600 ms until <paramref name="end"/>, at most 5000.</summary>
        public async Task RunUntilAsync(DateTime end)
        {
            for (var i = 0; i < 5000 && DateTime.UtcNow < end; i++)
            {
                await ActAsync(_random.Next(100), Rooms[_random.Next(Rooms.Length)], _peers[_random.Next(_peers.Length)]);
                await Task.Delay(_random.Next(250, 600));
            }
        }

        private async Task ActAsync(int dice, string room, string peer)
        {
            switch (dice)
            {
                case < 35:
                    await SendAsync(room);
                    break;
                case < 40:
                    await RepeatAsync(room);
                    break;
                case < 47:
                    await EditAsync();
                    break;
                case < 52:
                    await DeleteAsync();
                    break;
                case < 56:
                    await _ledger.CallAsync(HubMethods.Typing, Client, () => Client.TypingAsync(room, _random.Next(2) == 0));
                    break;
                case < 61:
                    await ReadHistoryAsync(room);
                    break;
                case < 64:
                    await _ledger.CallAsync(HubMethods.GetRoomInfo, Client, () => Client.GetRoomInfoAsync(room));
                    break;
                case < 67:
                    await _ledger.CallAsync(HubMethods.ListRooms, Client, () => Client.ListRoomsAsync(null, 50));
                    break;
                case < 73:
                    await MarkReadAsync(room);
                    break;
                case < 76:
                    await CatchUpAsync(room);
                    break;
                case < 86:
                    await SendDirectAsync(peer);
                    break;
                case < 88:
                    await RepeatDirectAsync(peer);
                    break;
                case < 91:
                    await _ledger.CallAsync(HubMethods.SyncDirectMessages, Client, () => Client.SyncDirectMessagesAsync(null));
                    break;
                case < 94:
                    await _ledger.CallAsync(HubMethods.GetDirectHistory, Client, () => Client.GetDirectHistoryAsync(peer, null, 20));
                    break;
                default:
                    await ConversationsAsync();
                    break;
            }
        }

        // The outbox: one clientMessageId, posted again after a lost connection until stored.
        private async Task SendAsync(string room)
        {
            try
            {
                var message = await Client.SendMessageAsync(room, $"{UserId} {Guid.NewGuid():N}").DefaultTimeout(TestTimeouts.Slow);
                _ledger.Acknowledged(message);
                _mine.Add(message);
            }
            catch (Exception ex) when (ex is ChatException or TimeoutException)
            {
                _ledger.Fail($"{UserId} SendMessageAsync to {room}: {ex.Message}");
            }
        }

        // A client of its own that retries by hand: the second post of one clientMessageId answers with the first entry.
        private async Task RepeatAsync(string room)
        {
            var id = Guid.NewGuid().ToString("N");
            var text = $"{UserId} repeated {id}";
            var (ok, first) = await _ledger.CallAsync(HubMethods.PostMessage, Client, () => Client.PostMessageAsync(room, text, id));
            if (!ok)
            {
                return;
            }

            _ledger.Acknowledged(first!);
            _mine.Add(first!);
            var (again, second) = await _ledger.CallAsync(HubMethods.PostMessage + " (repeat)", Client, () => Client.PostMessageAsync(room, text, id));
            if (again && second != first)
            {
                _ledger.Fail($"{UserId}: a repeat of {id} in {room} answered {second}, not {first}");
            }
        }

        private async Task EditAsync()
        {
            if (Pick() is not { } target)
            {
                return;
            }

            var (ok, edit) = await _ledger.CallAsync(HubMethods.EditMessage, Client, () => Client.EditMessageAsync(target.Room, target.Id, $"{UserId} edited {Guid.NewGuid():N}"));
            if (ok)
            {
                _ledger.Acknowledged(edit!);
            }
        }

        private async Task DeleteAsync()
        {
            if (Pick() is not { } target)
            {
                return;
            }

            var (ok, delete) = await _ledger.CallAsync(HubMethods.DeleteMessage, Client, () => Client.DeleteMessageAsync(target.Room, target.Id));
            if (ok)
            {
                _ledger.Acknowledged(delete!);
                _deleted.Add(target.Id);
            }
        }

        // One of its own messages not deleted yet (an edit of a deleted one is refused by design, and not provoked here).
        private ChatMessage? Pick()
        {
            var live = _mine.Where(m => !_deleted.Contains(m.Id)).ToArray();
            return live.Length == 0 ? null : live[_random.Next(live.Length)];
        }

        private async Task ReadHistoryAsync(string room)
        {
            var (ok, page) = await _ledger.CallAsync(HubMethods.GetHistory, Client, () => Client.GetHistoryAsync(room, null, 20));
            if (ok && !page!.Select(m => m.Id).SequenceEqual(page!.Select(m => m.Id).Order()))
            {
                _ledger.Fail($"{UserId}: a history page of {room} is not in id order");
            }
        }

        private async Task MarkReadAsync(string room)
        {
            if (!Client.LastSeenIds.TryGetValue(room, out var seen) || seen == 0)
            {
                return;
            }

            var (ok, _) = await _ledger.CallAsync(HubMethods.MarkRead, Client, () => Client.MarkReadAsync(room, seen));
            if (ok)
            {
                _roomMarked[room] = Math.Max(_roomMarked.GetValueOrDefault(room), seen);
            }
        }

        // JoinRoom again from the last id seen, as a client does after a gap: the snapshot reports the read marker too.
        private async Task CatchUpAsync(string room)
        {
            var since = Client.LastSeenIds.GetValueOrDefault(room);
            var (ok, snapshot) = await _ledger.CallAsync(HubMethods.JoinRoom, Client, () => Client.JoinRoomAsync(room, since));
            if (ok)
            {
                Received.Snapshot(snapshot!);
                ObserveMarker(_roomMarkerSeen, room, snapshot!.LastReadId);
            }
        }

        private async Task SendDirectAsync(string peer)
        {
            try
            {
                _ledger.Acknowledged(await Client.SendDirectMessageAsync(peer, $"{UserId} to {peer} {Guid.NewGuid():N}").DefaultTimeout(TestTimeouts.Slow));
            }
            catch (Exception ex) when (ex is ChatException or TimeoutException)
            {
                _ledger.Fail($"{UserId} SendDirectMessageAsync to {peer}: {ex.Message}");
            }
        }

        private async Task RepeatDirectAsync(string peer)
        {
            var id = Guid.NewGuid().ToString("N");
            var text = $"{UserId} to {peer} repeated {id}";
            var (ok, first) = await _ledger.CallAsync(HubMethods.PostDirectMessage, Client, () => Client.PostDirectMessageAsync(peer, text, id));
            if (!ok)
            {
                return;
            }

            _ledger.Acknowledged(first!);
            var (again, second) = await _ledger.CallAsync(HubMethods.PostDirectMessage + " (repeat)", Client, () => Client.PostDirectMessageAsync(peer, text, id));
            if (again && second != first)
            {
                _ledger.Fail($"{UserId}: a repeat of direct message {id} answered {second}, not {first}");
            }
        }

        // The conversation list reports each read marker; then the marker of one conversation moves to its last message.
        private async Task ConversationsAsync()
        {
            var (ok, conversations) = await _ledger.CallAsync(HubMethods.GetConversations, Client, () => Client.GetConversationsAsync());
            if (!ok || conversations!.Count == 0)
            {
                return;
            }

            foreach (var conversation in conversations)
            {
                ObserveMarker(_directMarkerSeen, conversation.UserId, conversation.LastReadId);
            }

            var chosen = conversations[_random.Next(conversations.Count)];
            var (marked, _) = await _ledger.CallAsync(HubMethods.MarkDirectRead, Client, () => Client.MarkDirectReadAsync(chosen.UserId, chosen.LastMessage.Id));
            if (marked)
            {
                _directMarked[chosen.UserId] = Math.Max(_directMarked.GetValueOrDefault(chosen.UserId), chosen.LastMessage.Id);
            }
        }

        private void ObserveMarker(Dictionary<string, long> seen, string key, long marker)
        {
            if (marker < seen.GetValueOrDefault(key))
            {
                _ledger.Fail($"{UserId}: the read marker of {key} moved back from {seen[key]} to {marker}");
            }

            seen[key] = Math.Max(seen.GetValueOrDefault(key), marker);
        }

        public ValueTask DisposeAsync() => Client.DisposeAsync();
    }

    /// <summary>
    /// A user who comes and goes on one node until the end: connects, joins one or both open rooms, sends, writes to a
    /// stayer, reads, and leaves. Every third visit (and the first that would otherwise never see one) its token lasts
    /// only a few seconds, so the server closes the connection when it expires and the client reconnects with a fresh
    /// one, rejoins and sends again before it leaves.
    /// </summary>
    private static async Task<(int Visits, int ClosedByServer)> ChurnAsync(ScaleOutCluster cluster, int node, string userId, DateTime end, Random random, Ledger ledger, string[] stayers)
    {
        var (visits, closed) = (0, 0);
        for (var attempt = 0; attempt < 1000 && DateTime.UtcNow < end; attempt++)
        {
            var visit = Stopwatch.StartNew();
            var expiring = random.Next(3) == 0 || (closed == 0 && visits >= 2);
            var client = NodeProcess.CreateClient(cluster.Nodes[node].BaseAddress, userId, tokenLifetime: expiring ? ExpiringToken : null, maxReconnectAttempts: MaxReconnectAttempts);
            await using (client)
            {
                var reconnected = new Inbox<bool>();
                client.Reconnected += () => reconnected.Add(true);
                try
                {
                    await client.StartAsync().DefaultTimeout();
                }
                catch (Exception ex) when (ex is HttpRequestException or AggregateException or InvalidOperationException)
                {
                    // Its node is restarting: come back later.
                    await Task.Delay(500);
                    continue;
                }

                visits++;
                var rooms = new List<string>();
                foreach (var room in OpenRooms.OrderBy(_ => random.Next()).Take(random.Next(1, 3)))
                {
                    if ((await ledger.CallAsync(HubMethods.JoinRoom, client, () => client.JoinRoomAsync(room))).Ok)
                    {
                        rooms.Add(room);
                    }
                }

                if (rooms.Count == 0)
                {
                    continue;
                }

                await SendAsync(client, userId, rooms, random.Next(1, 4), random, ledger);
                await ledger.CallAsync(HubMethods.GetHistory, client, () => client.GetHistoryAsync(rooms[0], null, 20));
                var stayer = stayers[random.Next(stayers.Length)];
                try
                {
                    ledger.Acknowledged(await client.SendDirectMessageAsync(stayer, $"{userId} to {stayer} {Guid.NewGuid():N}").DefaultTimeout(TestTimeouts.Slow));
                }
                catch (Exception ex) when (ex is InvalidOperationException)
                {
                    // Its node went away under the send and the client was disposed before it came back.
                }

                if (expiring)
                {
                    try
                    {
                        await reconnected.NextAsync(ExpiringToken + TestTimeouts.Slow);
                        closed++;
                        await SendAsync(client, userId, rooms, 1, random, ledger);
                    }
                    catch (OperationCanceledException)
                    {
                        ledger.Fail($"{userId}: not reconnected after its token expired");
                    }
                }
            }

            var rest = MinimumVisit - visit.Elapsed + TimeSpan.FromMilliseconds(random.Next(0, 500));
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest);
            }
        }

        return (visits, closed);
    }

    private static async Task SendAsync(ChatClient client, string userId, List<string> rooms, int count, Random random, Ledger ledger)
    {
        for (var i = 0; i < count; i++)
        {
            var room = rooms[random.Next(rooms.Count)];
            try
            {
                ledger.Acknowledged(await client.SendMessageAsync(room, $"{userId} {Guid.NewGuid():N}").DefaultTimeout(TestTimeouts.Slow));
            }
            catch (ChatException ex)
            {
                ledger.Fail($"{userId} SendMessageAsync to {room}: {ex.Message}");
            }
        }
    }
}
