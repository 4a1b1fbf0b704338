using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HubApp.Client.Tests.TestHost;

/// <summary>A real Kestrel server on a free loopback port, so the client runs over real sockets.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestServer> StartAsync(Action<IServiceCollection> configureServices, Action<WebApplication> configureApp)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();

        // The default 32 KB would refuse the 64 KB round trip.
        builder.Services.AddSignalR(o => o.MaximumReceiveMessageSize = 1024 * 1024);
        configureServices(builder.Services);

        var app = builder.Build();
        configureApp(app);
        await app.StartAsync().WaitAsync(Timeouts.Default);
        return new TestServer(app, new Uri(app.Urls.Single()));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(Timeouts.Default);
        await _app.DisposeAsync();
    }
}
