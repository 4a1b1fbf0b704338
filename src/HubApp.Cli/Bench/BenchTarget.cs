using HubApp.Client;

namespace HubApp.Cli.Bench;

/// <summary>
/// The host under load: its URL, whether it wants tokens (HubApp's development issuer) or none (the
/// baseline), and its process when known, for CPU and memory figures.
/// </summary>
internal sealed class BenchTarget(string name, Uri server, bool authenticate, ProcessMeter? process) : IDisposable
{
    private readonly DevTokens _tokens = new(server);

    // One token per user name, as a real client keeps its token until it expires.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<string>>> _issued = new(StringComparer.Ordinal);

    public string Name => name;

    public Uri Server => server;

    public ProcessMeter? Process => process;

    /// <summary>A started client for <paramref name="userName"/>; no automatic reconnect, so a drop shows up as lost messages.</summary>
    public async Task<ChatClient> ConnectAsync(string userName, CancellationToken cancellationToken)
    {
        string? token = null;
        if (authenticate)
        {
            token = await _issued.GetOrAdd(userName, name => new Lazy<Task<string>>(async () => (await _tokens.IssueAsync(name, cancellationToken)).AccessToken)).Value;
        }

        var client = new ChatClient(new ChatClientOptions
        {
            ServerUrl = server,
            AccessTokenProvider = _ => ValueTask.FromResult(token),
            AutoReconnect = false,
        });
        await client.StartAsync(cancellationToken);
        return client;
    }

    public void Dispose() => _tokens.Dispose();
}
