using System.Globalization;
using HubApp.Cli;
using HubApp.Client;
using Microsoft.AspNetCore.Http.Connections;

namespace HubApp.Bench;

/// <summary>Which client the load generator drives: raw WebSockets with SignalR's framing, or the full <see cref="ChatClient"/>.</summary>
internal enum BenchClient
{
    /// <summary><see cref="LeanHubConnection"/>: cheap enough per delivery that the server, not the generator, sets the pace.</summary>
    Lean,

    /// <summary><see cref="ChatClient"/> on HubConnection: what a real user runs, for correctness runs.</summary>
    Full,
}

/// <summary>One connection of the load generator, whichever client it is.</summary>
internal interface IBenchConnection : IAsyncDisposable
{
    Task JoinRoomAsync(string room, CancellationToken cancellationToken);

    /// <summary>Sends a 64-character text that carries <paramref name="stamp"/> (Stopwatch ticks) in its first 16 characters, as hex.</summary>
    Task SendStampedAsync(string room, long stamp);

    /// <summary><c>PostMessage</c> of a stamped text; the stored message's id.</summary>
    Task<long> PostStampedAsync(string room, long stamp, string clientMessageId);

    /// <summary><c>SendDirectMessage</c> of a stamped text to <paramref name="userId"/>.</summary>
    Task SendDirectStampedAsync(string userId, long stamp);

    /// <summary><c>Post</c> of a draft with a stamped text, in thread <paramref name="threadId"/> when given; the stored message's id.</summary>
    Task<long> PostDraftStampedAsync(string room, long stamp, string clientMessageId, long? threadId);

    /// <summary><c>PostDirectMessage</c> of a stamped text to <paramref name="userId"/>; the stored message's id.</summary>
    Task<long> PostDirectStampedAsync(string userId, long stamp, string clientMessageId);

    /// <summary><c>React</c>: adds or removes the caller's <paramref name="emoji"/> on message <paramref name="messageId"/>.</summary>
    Task ReactAsync(string room, long messageId, string emoji, bool add);

    Task PingAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The host under load: its URL (or the URLs of several nodes, which clients are spread over in turn),
/// whether it wants tokens (HubApp's development issuer) or none (the baseline), the client and protocol to
/// drive it with, and its processes when known, for CPU and memory figures.
/// </summary>
internal sealed class BenchTarget(string name, IReadOnlyList<Uri> servers, bool authenticate, ProcessMeter? process, BenchClient client = BenchClient.Lean, ChatProtocol protocol = ChatProtocol.Json) : IDisposable
{
    // Nodes of one deployment share their signing key: the first one's issuer serves for all.
    private readonly DevTokens _tokens = new(servers[0]);

    // One token per user name, as a real client keeps its token until it expires.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<string>>> _issued = new(StringComparer.Ordinal);

    // The lean client's negotiate requests: one pool, as many connections as the connects in flight want.
    private readonly HttpClient _negotiate = new(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue }) { Timeout = TimeSpan.FromSeconds(60) };
    private int _next = -1;

    public BenchTarget(string name, Uri server, bool authenticate, ProcessMeter? process, BenchClient client = BenchClient.Lean, ChatProtocol protocol = ChatProtocol.Json)
        : this(name, [server], authenticate, process, client, protocol)
    {
    }

    public string Name => name;

    public Uri Server => servers[0];

    public ProcessMeter? Process => process;

    /// <summary>The nodes of the deployment: a connection may be placed on any of them (<see cref="ConnectAsync"/>).</summary>
    public int Nodes => servers.Count;

    /// <summary>Processes the nodes depend on (the store, the bus), by name, whose CPU is reported beside the nodes'.</summary>
    public IReadOnlyDictionary<string, ProcessMeter> Backends { get; init; } = new Dictionary<string, ProcessMeter>();

    public BenchClient Client => client;

    public ChatProtocol Protocol => protocol;

    /// <summary>Connections ask for batched presence (<c>--presence batched</c>), as HubApp's own clients do.</summary>
    public bool BatchedPresence { get; init; }

    public bool Authenticates => authenticate;

    /// <summary>The token for <paramref name="userName"/> (fetched once), or null for a host that takes none.</summary>
    public async Task<string?> TokenAsync(string userName, CancellationToken cancellationToken) => authenticate
        ? await _issued.GetOrAdd(userName, user => new Lazy<Task<string>>(async () => (await _tokens.IssueAsync(user, cancellationToken)).AccessToken)).Value
        : null;

    /// <summary>
    /// A started connection for <paramref name="userName"/>; no automatic reconnect, so a drop shows up as lost messages.
    /// <paramref name="onDelivery"/> gets each delivery's send stamp (-1 when its text has none), one at a time per connection.
    /// On node <paramref name="node"/> (0-based) when given, else on the nodes in turn.
    /// </summary>
    public async Task<IBenchConnection> ConnectAsync(string userName, Action<long>? onDelivery, CancellationToken cancellationToken, int? node = null)
    {
        var token = await TokenAsync(userName, cancellationToken);
        var server = servers[node ?? (int)((uint)Interlocked.Increment(ref _next) % (uint)servers.Count)];
        if (client == BenchClient.Lean)
        {
            return new Lean(await LeanHubConnection.ConnectAsync(_negotiate, server, token, protocol, onDelivery, cancellationToken, BatchedPresence));
        }

        // WebSockets without negotiate, as the figures before the lean client were measured, and no stateful-reconnect
        // buffering that only HubApp allows.
        var chat = new ChatClient(new ChatClientOptions
        {
            ServerUrl = server,
            AccessTokenProvider = _ => ValueTask.FromResult(token),
            AutoReconnect = false,
            Transports = HttpTransportType.WebSockets,
            SkipNegotiation = true,
            Protocol = protocol,
            BatchedPresence = BatchedPresence,
        });
        if (onDelivery is not null)
        {
            chat.MessageReceived += message =>
            {
                onDelivery(StampOf(message.Text));
                return Task.CompletedTask;
            };
            chat.DirectMessageReceived += message =>
            {
                onDelivery(StampOf(message.Text));
                return Task.CompletedTask;
            };
        }

        await chat.StartAsync(cancellationToken);
        return new Full(chat);
    }

    private static long StampOf(string text) =>
        long.TryParse(text.AsSpan(0, Math.Min(LeanHubConnection.StampDigits, text.Length)), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var sent) ? sent : -1;

    public void Dispose()
    {
        _tokens.Dispose();
        _negotiate.Dispose();
    }

    private sealed class Lean(LeanHubConnection connection) : IBenchConnection
    {
        public Task JoinRoomAsync(string room, CancellationToken cancellationToken) => connection.JoinRoomAsync(room);

        public Task SendStampedAsync(string room, long stamp) => connection.SendStampedAsync(room, stamp);

        public Task<long> PostStampedAsync(string room, long stamp, string clientMessageId) => connection.PostStampedAsync(room, stamp, clientMessageId);

        public Task<long> PostDraftStampedAsync(string room, long stamp, string clientMessageId, long? threadId) =>
            connection.PostDraftStampedAsync(room, stamp, clientMessageId, threadId);

        public Task SendDirectStampedAsync(string userId, long stamp) => connection.SendDirectStampedAsync(userId, stamp);

        public Task ReactAsync(string room, long messageId, string emoji, bool add) => connection.ReactAsync(room, messageId, emoji, add);

        public Task<long> PostDirectStampedAsync(string userId, long stamp, string clientMessageId) => connection.PostDirectStampedAsync(userId, stamp, clientMessageId);

        public Task PingAsync(CancellationToken cancellationToken) => connection.PingAsync();

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }

    private sealed class Full(ChatClient chat) : IBenchConnection
    {
        public Task JoinRoomAsync(string room, CancellationToken cancellationToken) => chat.JoinRoomAsync(room, null, cancellationToken);

        // The raw single call, as plain SignalR's baseline makes it: SendMessageAsync's outbox would post one
        // message per room at a time (to keep their order across retries) and so defeat the window.
        public Task SendStampedAsync(string room, long stamp) => chat.PostMessageAsync(room, StampedText(stamp), clientMessageId: null);

        public async Task<long> PostStampedAsync(string room, long stamp, string clientMessageId) =>
            (await chat.PostMessageAsync(room, StampedText(stamp), clientMessageId)).Id;

        public Task SendDirectStampedAsync(string userId, long stamp) => chat.PostDirectMessageAsync(userId, StampedText(stamp), clientMessageId: null);

        // The cost workload measures the server, for which the lean client is the instrument.
        public Task<long> PostDraftStampedAsync(string room, long stamp, string clientMessageId, long? threadId) =>
            throw new NotSupportedException("The cost workload drives the lean client only (--client lean).");

        public Task ReactAsync(string room, long messageId, string emoji, bool add) =>
            throw new NotSupportedException("The cost workload drives the lean client only (--client lean).");

        public Task<long> PostDirectStampedAsync(string userId, long stamp, string clientMessageId) =>
            throw new NotSupportedException("The cost workload drives the lean client only (--client lean).");

        private static string StampedText(long stamp) => string.Create(LeanHubConnection.TextLength, stamp, (span, s) =>
        {
            s.TryFormat(span, out _, "x16", CultureInfo.InvariantCulture);
            span[LeanHubConnection.StampDigits..].Fill('.');
        });

        public Task PingAsync(CancellationToken cancellationToken) => chat.PingAsync(cancellationToken);

        public ValueTask DisposeAsync() => chat.DisposeAsync();
    }
}
