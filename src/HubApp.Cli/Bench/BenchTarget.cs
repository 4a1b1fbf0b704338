using HubApp.Client;
using Microsoft.AspNetCore.Http.Connections;

namespace HubApp.Cli.Bench;

/// <summary>
/// The host under load: its URL (or the URLs of several nodes, which clients are spread over in turn),
/// whether it wants tokens (HubApp's development issuer) or none (the baseline), and its processes when
/// known, for CPU and memory figures.
/// </summary>
internal sealed class BenchTarget(string name, IReadOnlyList<Uri> servers, bool authenticate, ProcessMeter? process) : IDisposable
{
    // Nodes of one deployment share their signing key: the first one's issuer serves for all.
    private readonly DevTokens _tokens = new(servers[0]);
    private int _next = -1;

    public BenchTarget(string name, Uri server, bool authenticate, ProcessMeter? process)
        : this(name, [server], authenticate, process)
    {
    }

    // One token per user name, as a real client keeps its token until it expires.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<string>>> _issued = new(StringComparer.Ordinal);

    public string Name => name;

    public Uri Server => servers[0];

    public ProcessMeter? Process => process;

    /// <summary>A started client for <paramref name="userName"/>; no automatic reconnect, so a drop shows up as lost messages.</summary>
    public async Task<ChatClient> ConnectAsync(string userName, CancellationToken cancellationToken)
    {
        string? token = null;
        if (authenticate)
        {
            token = await _issued.GetOrAdd(userName, name => new Lazy<Task<string>>(async () => (await _tokens.IssueAsync(name, cancellationToken)).AccessToken)).Value;
        }

        // WebSockets without negotiate, as the figures in docs/performance.md were measured: one request per
        // connection on both targets, and no stateful-reconnect buffering that only HubApp allows.
        var client = new ChatClient(new ChatClientOptions
        {
            ServerUrl = servers[(int)((uint)Interlocked.Increment(ref _next) % (uint)servers.Count)],
            AccessTokenProvider = _ => ValueTask.FromResult(token),
            AutoReconnect = false,
            Transports = HttpTransportType.WebSockets,
            SkipNegotiation = true,
        });
        await client.StartAsync(cancellationToken);
        return client;
    }

    public void Dispose() => _tokens.Dispose();
}
