using System.Collections.Concurrent;
using System.Text;
using HubApp.Contracts;
using HubApp.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HubApp.Tests.Telemetry;

/// <summary>With <c>Telemetry:OtlpEndpoint</c> set, metrics and traces reach a collector over OTLP (http/protobuf).</summary>
[Collection(RunsAlone.Name)]
public sealed class OtlpExportTests
{
    [Fact]
    public async Task MetricsAndTracesArePostedToTheCollectorWithoutTheToken()
    {
        await using var collector = await Collector.StartAsync();
        await using var host = await HubAppHost.StartAsync(new Dictionary<string, string?>
        {
            ["Telemetry:OtlpEndpoint"] = collector.BaseAddress.ToString(),
            ["Telemetry:OtlpProtocol"] = "http/protobuf",
            // The SDK's own settings: export every 500 ms instead of every minute, spans after 200 ms instead of 5 s.
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
        var token = TestTokens.Create("alice");
        await using var alice = host.CreateClient("alice", token: () => token);
        await alice.StartAsync().DefaultTimeout();
        await alice.JoinRoomAsync("general").DefaultTimeout();
        await alice.PostMessageAsync("general", "hello", "otlp-1").DefaultTimeout();

        // Protobuf keeps strings as UTF-8: the instrument's name and SignalR's activity source can be found as they are.
        var metrics = await collector.WaitForAsync("/v1/metrics", "hubapp.messages.stored");
        // The join's span may go in an earlier batch than the post's: wait for the one that holds the post.
        var traces = await collector.WaitForAsync("/v1/traces", HubMethods.PostMessage);

        Assert.Equal("application/x-protobuf", metrics.ContentType);
        Assert.Equal("application/x-protobuf", traces.ContentType);
        Assert.Contains("Microsoft.AspNetCore.SignalR.Server", traces.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(collector.Received, r => r.Text.Contains(token, StringComparison.Ordinal));
    }

    private sealed record Export(string Path, string? ContentType, string Text);

    /// <summary>The least of an OTLP/HTTP collector: takes every POST, answers 200, keeps the bodies.</summary>
    private sealed class Collector(WebApplication app, Uri baseAddress) : IAsyncDisposable
    {
        private readonly ConcurrentQueue<Export> _received = new();

        public Uri BaseAddress { get; } = baseAddress;

        public IReadOnlyCollection<Export> Received => _received;

        public static async Task<Collector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            Collector? collector = null;
            app.MapPost("/v1/{signal}", async (HttpContext context) =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                // Latin-1 maps every byte to one character, so UTF-8 text in the protobuf survives as is.
                collector!._received.Enqueue(new Export(context.Request.Path, context.Request.ContentType, Encoding.Latin1.GetString(body.ToArray())));
                return Results.Ok();
            });
            await app.StartAsync().DefaultTimeout();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            collector = new Collector(app, new Uri(address));
            return collector;
        }

        public async Task<Export> WaitForAsync(string path, string text)
        {
            var deadline = DateTime.UtcNow + TestTimeouts.Default;
            while (true)
            {
                if (_received.FirstOrDefault(e => e.Path == path && e.Text.Contains(text, StringComparison.Ordinal)) is { } export)
                {
                    return export;
                }

                Assert.True(DateTime.UtcNow < deadline, $"no {path} export with '{text}' within {TestTimeouts.Default}; got: {string.Join(", ", _received.Select(e => e.Path))}");
                await Task.Delay(100);
            }
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
