using System.Diagnostics.Metrics;
using System.Security.Claims;
using HubApp.Contracts;
using HubApp.Errors;
using HubApp.Hubs;
using HubApp.Presence;
using HubApp.Storage;
using HubApp.Telemetry;
using HubApp.Testing;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HubApp.Tests.Hubs;

/// <summary>The one mapping from what the services throw to what clients see, without a host.</summary>
public sealed class InvocationLoggingFilterTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly CapturedLogs _logs = new();
    private readonly ChatMetrics _metrics;
    private readonly InvocationLoggingFilter _filter;

    public InvocationLoggingFilterTests()
    {
        _metrics = new ChatMetrics(_services.GetRequiredService<IMeterFactory>(), new PresenceTracker());
        // No connection registered, so a refusal at connect falls back to SignalR's own: a HubException.
        var lifetime = new ChatLifetimeManager<ChatHub>(new JoiningConnections(new PresenceTracker(), new PresenceBatcher(Options.Create(new PresenceBatchOptions()), TimeProvider.System, NullLogger<PresenceBatcher>.Instance)), new NoLifetime(), NullLoggerFactory.Instance);
        _filter = new InvocationLoggingFilter(_metrics, new ConnectionRefusal(lifetime, _metrics), new Logger<InvocationLoggingFilter>(new LoggerFactory([_logs])));
    }

    public static TheoryData<string, Exception, string> RefusalCases() => new()
    {
        { "a domain refusal", ChatErrors.NotInRoom("lobby"), "not_in_room: join 'lobby' first." },
        { "the rate limiter's", ChatErrors.RateLimited(10), "rate_limited: at most 10 messages per second; nothing was delivered." },
        { "a store that cannot answer", new StoreUnavailableException("The sqlite store failed: database is locked"), "unavailable: the message store cannot take messages now; nothing was stored or delivered, retry later." },
    };

    [Theory]
    [MemberData(nameof(RefusalCases))]
    public async Task ARefusalReachesTheClientAsAHubExceptionCodeColonTextCountedAndLoggedOnceAtDebug(string what, Exception thrown, string expected)
    {
        var code = expected[..expected.IndexOf(':', StringComparison.Ordinal)];

        var sent = await Assert.ThrowsAsync<HubException>(() => _filter.InvokeMethodAsync(Invocation(), _ => throw thrown).DefaultTimeout());

        Assert.True(expected == sent.Message, what);
        Assert.Equal(code, ErrorCodes.Find($"An unexpected error occurred invoking 'SendMessage' on the server. HubException: {sent.Message}"));
        Assert.Equal(1, Refusals(code));
        var line = Assert.Single(_logs.Lines);
        Assert.Equal(LogLevel.Debug, line.Level);
        Assert.Equal($"Refused SendMessage on connection c1: {expected}", line.Message);
    }

    [Fact]
    public async Task AFaultIsLoggedAtErrorAndPassedOnAsItIsUncounted()
    {
        var fault = new InvalidOperationException("a bug");

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => _filter.InvokeMethodAsync(Invocation(), _ => throw fault).DefaultTimeout());

        Assert.Same(fault, thrown);
        Assert.Equal(0, Refusals(code: null));
        Assert.Equal(LogLevel.Error, Assert.Single(_logs.Lines).Level);
    }

    [Fact]
    public async Task ARefusalAtConnectIsCountedAndRefusesTheConnectionWithCodeColonText()
    {
        var context = new HubLifetimeContext(new Caller(), new ServiceCollection().BuildServiceProvider(), new TestHub());

        var sent = await Assert.ThrowsAsync<HubException>(() => _filter.OnConnectedAsync(context, _ => throw ChatErrors.TooManyConnections(20)).DefaultTimeout());

        Assert.Equal("too_many_connections: a user may hold at most 20 connections.", sent.Message);
        Assert.Equal(1, Refusals(ErrorCodes.TooManyConnections));
    }

    [Fact]
    public void EveryRefusalKeepsItsCodeAndTextApartAndTogetherAsTheContractWordsThem()
    {
        var refusal = ChatErrors.MessageTooLong(4000);

        Assert.Equal(ErrorCodes.MessageTooLong, refusal.Code);
        Assert.Equal("messages are at most 4000 characters.", refusal.Text);
        Assert.Equal("message_too_long: messages are at most 4000 characters.", HubErrors.ToHubException(refusal).Message);
        Assert.Same(refusal, HubErrors.AsRefusal(refusal));
        Assert.Null(HubErrors.AsRefusal(new InvalidOperationException()));
    }

    public void Dispose() => _services.Dispose();

    private static HubInvocationContext Invocation() =>
        new(new Caller(), new ServiceCollection().BuildServiceProvider(), new TestHub(), typeof(TestHub).GetMethod(nameof(TestHub.SendMessage))!, []);

    // The refusals counted under code, or under every code when null, from this test's own meter.
    private long Refusals(string? code)
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        long total = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Name == "hubapp.refusals")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "code" && (code is null || Equals(tag.Value, code)))
                {
                    total += value;
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return total;
    }

    private sealed class TestHub : Hub
    {
        [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "A hub method, looked up by reflection.")]
        public void SendMessage()
        {
        }
    }

    private sealed class Caller : HubCallerContext
    {
        public override string ConnectionId => "c1";

        public override string? UserIdentifier => "alice";

        public override ClaimsPrincipal? User => new(new ClaimsIdentity());

        public override IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();

        public override IFeatureCollection Features { get; } = new FeatureCollection();

        public override CancellationToken ConnectionAborted => CancellationToken.None;

        public override void Abort()
        {
        }
    }

    private sealed class NoLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
