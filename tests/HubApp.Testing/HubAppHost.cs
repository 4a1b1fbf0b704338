using HubApp.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HubApp.Testing;

/// <summary>
/// The real HubApp host on Kestrel at 127.0.0.1 (a free port), with the repository's appsettings.json,
/// a SQLite file in a temporary folder and the test signing key. Disposing it fails the test if the host
/// logged an error that the test did not expect.
/// </summary>
internal sealed class HubAppHost : IAsyncDisposable
{
    private readonly Factory _factory;
    private readonly bool _ownsDirectory;
    private bool _errorsExpected;

    private HubAppHost(Factory factory, string directory, bool ownsDirectory)
    {
        _factory = factory;
        DataDirectory = directory;
        _ownsDirectory = ownsDirectory;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public string DataDirectory { get; }

    public string DatabasePath => Path.Combine(DataDirectory, "hubapp.db");

    public CapturedLogs Logs => _factory.Logs;

    public ConnectionAborter Aborter => _factory.Aborter;

    public InvocationRecorder Recorder => _factory.Recorder;

    public IServiceProvider Services => _factory.Services;

    /// <summary>
    /// Starts a host. Settings use configuration keys ("Limits:Burst"), "{data}" in a value standing for the
    /// data folder; <paramref name="dataDirectory"/> reuses a store; <paramref name="services"/> replaces services
    /// after the app's own registrations (a store that fails on demand, say).
    /// </summary>
    public static async Task<HubAppHost> StartAsync(
        IDictionary<string, string?>? settings = null,
        string? dataDirectory = null,
        string environment = "Testing",
        Action<IServiceCollection>? services = null)
    {
        var directory = dataDirectory ?? Directory.CreateTempSubdirectory("hubapp-test-").FullName;
        var all = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Auth:SigningKey"] = TestTokens.SigningKey,
            ["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(directory, "hubapp.db")}",
            // High enough not to get in the way; tests of the limits set their own.
            ["Limits:MessagesPerSecond"] = "100000",
            ["Limits:Burst"] = "100000",
            ["Limits:ReadsPerSecond"] = "100000",
            ["Limits:ReadBurst"] = "100000",
            ["Limits:RoomsCreatedPerHour"] = "100000",
            ["Limits:MaxRoomsOwned"] = "100000",
            ["Limits:UploadsPerMinute"] = "100000",
            ["Attachments:Path"] = Path.Combine(directory, "attachments"),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value?.Replace("{data}", directory, StringComparison.Ordinal);
        }

        var factory = new Factory(all, environment, services);
        var host = new HubAppHost(factory, directory, ownsDirectory: dataDirectory is null);
        await Task.Run(factory.StartServer).WaitAsync(TimeSpan.FromSeconds(60));
        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        host.BaseAddress = new Uri(addresses.Addresses.First());
        return host;
    }

    /// <summary>
    /// A client for <paramref name="userId"/>, not yet started, with the library's defaults but for short reconnect
    /// delays. Its token provider mints a fresh token per connect; <paramref name="via"/> connects elsewhere (a proxy).
    /// Without <paramref name="statefulReconnect"/> it takes what the server sends as fast as it reads, instead of at
    /// most <see cref="HubApp.Hubs.ChatHubExtensions.StatefulReconnectBufferBytes"/> a second (it acknowledges once a second).
    /// </summary>
    public ChatClient CreateClient(
        string userId,
        string? userName = null,
        Func<string>? token = null,
        bool autoReconnect = true,
        TimeSpan? firstRetry = null,
        Uri? via = null,
        HttpTransportType transports = HttpTransportType.WebSockets | HttpTransportType.ServerSentEvents | HttpTransportType.LongPolling,
        ChatProtocol protocol = ChatProtocol.Json,
        Func<CancellationToken, ValueTask<string?>>? tokenProvider = null,
        bool statefulReconnect = true) =>
        new(new ChatClientOptions
        {
            ServerUrl = via ?? BaseAddress,
            AccessTokenProvider = tokenProvider ?? (_ => ValueTask.FromResult<string?>(token is null ? TestTokens.Create(userId, userName ?? userId) : token())),
            AutoReconnect = autoReconnect,
            ReconnectDelays = [firstRetry ?? TimeSpan.Zero, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500)],
            Transports = transports,
            Protocol = protocol,
            StatefulReconnect = statefulReconnect,
        });

    public async Task<ChatClient> ConnectAsync(string userId, string? userName = null)
    {
        var client = CreateClient(userId, userName);
        await client.StartAsync().DefaultTimeout();
        return client;
    }

    public HttpClient CreateHttpClient() => new() { BaseAddress = BaseAddress, Timeout = TestTimeouts.Default };

    /// <summary>The test provokes server errors (a broken store, say): they do not fail it.</summary>
    public void ExpectErrors() => _errorsExpected = true;

    /// <summary>Stops the host but keeps its data folder, for a restart on the same store.</summary>
    public async Task StopAsync()
    {
        await _factory.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        if (_ownsDirectory)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a lingering reader is only litter in /tmp.
            }
        }

        var errors = Logs.Lines.Where(l => l.Level >= LogLevel.Error && !(l.Exception is { } exception && KnownFrameworkErrors.IsKnown(l.Category, exception))).ToArray();
        if (!_errorsExpected && errors.Length > 0)
        {
            throw new InvalidOperationException("The host logged errors:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }
    }

    private sealed class Factory(IDictionary<string, string?> settings, string environment, Action<IServiceCollection>? replace) : WebApplicationFactory<Program>
    {
        public CapturedLogs Logs { get; } = new();

        public ConnectionAborter Aborter { get; } = new();

        public InvocationRecorder Recorder { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment(environment);
            builder.UseContentRoot(RepositoryRoot.Path);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
            builder.ConfigureTestServices(services =>
            {
                services.Configure<HubOptions>(options =>
                {
                    options.AddFilter(Aborter);
                    options.AddFilter(Recorder);
                });
                replace?.Invoke(services);
            });
            UseKestrel();
        }
    }
}
