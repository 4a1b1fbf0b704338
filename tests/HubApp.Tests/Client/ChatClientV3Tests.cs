using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;
using Microsoft.AspNetCore.Http.Connections;

namespace HubApp.Tests.Client;

/// <summary>
/// HubApp.Client's contract v3 methods against the real host: drafts, threads, reactions, mentions, search and a
/// conversation's log, folded by the client as the server stores them. One file per topic.
/// </summary>
public sealed partial class ChatClientV3Tests
{
    private const string Room = "room";

    /// <summary>What the server stores of a message, to hold a folded copy to: text, deletion, reactions, thread.</summary>
    private static string Summary(ChatMessage message) =>
        $"{message.Text}|{(message.DeletedAt is null ? "live" : "deleted")}|{Reactions(message.Reactions)}"
        + $"|{(message.Thread is { } t ? $"{t.ReplyCount}:{string.Join(',', t.ParticipantIds.Order(StringComparer.Ordinal))}" : "-")}";

    private static string Reactions(IReadOnlyList<Reaction>? reactions) =>
        reactions is null or { Count: 0 }
            ? "-"
            : string.Join(' ', reactions.OrderBy(r => r.Emoji, StringComparer.Ordinal).Select(r => $"{r.Emoji}:{r.Count}:{string.Join(',', r.UserIds.Order(StringComparer.Ordinal))}"));

    /// <summary>
    /// A host with alice connected and showing <see cref="Room"/> folded, and other users joined to it. Behind a proxy, alice
    /// uses WebSockets only, so the proxy reads the host's JSON, and no stateful reconnect, so an answer the proxy cuts is
    /// not replayed and the client must post again on a new connection (as in OutboxTests).
    /// </summary>
    private sealed class Scene : IAsyncDisposable
    {
        private readonly List<ChatClient> _clients = [];

        private Scene(HubAppHost host, TcpProxy? proxy)
        {
            Host = host;
            Proxy = proxy;
        }

        public HubAppHost Host { get; }

        public TcpProxy? Proxy { get; }

        public ChatClient Alice => _clients[0];

        public FoldedRoom Folded { get; private set; } = null!;

        public Inbox<bool> Reconnected { get; } = new();

        public static async Task<Scene> StartAsync(ChatProtocol protocol = ChatProtocol.Json, bool behindProxy = false, bool statefulReconnect = true)
        {
            var host = await HubAppHost.StartAsync();
            var scene = new Scene(host, behindProxy ? TcpProxy.Start(host.BaseAddress) : null);
            var alice = scene.Proxy is { } proxy
                ? host.CreateClient("alice", via: proxy.BaseAddress, transports: HttpTransportType.WebSockets, statefulReconnect: false)
                : host.CreateClient("alice", protocol: protocol, statefulReconnect: statefulReconnect);
            scene._clients.Add(alice);
            alice.Reconnected += () => scene.Reconnected.Add(true);
            await alice.StartAsync().DefaultTimeout();
            scene.Folded = await FoldedRoom.JoinAsync(alice, Room);
            return scene;
        }

        /// <summary>Connects <paramref name="user"/> and joins them to <see cref="Room"/>.</summary>
        public async Task<ChatClient> JoinAsync(string user)
        {
            var client = await Host.ConnectAsync(user);
            _clients.Add(client);
            await client.JoinRoomAsync(Room).DefaultTimeout();
            return client;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var client in _clients)
            {
                await client.DisposeAsync();
            }

            if (Proxy is not null)
            {
                await Proxy.DisposeAsync();
            }

            await Host.DisposeAsync();
        }
    }

    /// <summary>A room as a client shows it: its snapshot, then every live entry folded on through a <see cref="RoomTimeline"/>.</summary>
    private sealed class FoldedRoom
    {
        private readonly Lock _gate = new();
        private readonly RoomTimeline _timeline = new();

        public Inbox<ChatMessage> Entries { get; } = new();

        public static async Task<FoldedRoom> JoinAsync(ChatClient client, string room)
        {
            var folded = new FoldedRoom();
            client.MessageReceived += folded.AddAsync;
            var snapshot = await client.JoinRoomAsync(room).DefaultTimeout();
            lock (folded._gate)
            {
                folded._timeline.Load(snapshot.Messages);
            }

            return folded;
        }

        public ChatMessage? Find(long id)
        {
            lock (_gate)
            {
                return _timeline.Find(id);
            }
        }

        /// <summary>Waits until the entry <paramref name="id"/> arrived (and every one before it: they come in id order).</summary>
        public Task<ChatMessage> SeenAsync(long id) => Entries.NextAsync(e => e.Id >= id);

        private Task AddAsync(ChatMessage entry)
        {
            lock (_gate)
            {
                _timeline.Apply(entry);
            }

            return Entries.Add(entry);
        }
    }
}
