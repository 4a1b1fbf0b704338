using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HubApp.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HubApp.Tests.Webhooks;

/// <summary>
/// A webhook receiver on Kestrel at 127.0.0.1, as an integration would run one: it records every POST (body, headers, the
/// status it answered), notices two batches of one room in flight at once, and can be told to answer the next ones with
/// another status, to hold the next one until the sender goes away, or to stop and start again on its port.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<ReceivedBatch> _batches = [];
    private readonly Queue<int> _answers = new();
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly List<string> _overlaps = [];
    private WebApplication? _app;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _holding;
    private int _redirectsFollowed;

    private WebhookReceiver()
    {
    }

    public int Port { get; private set; }

    /// <summary>Where webhooks post to.</summary>
    public string Url => $"http://127.0.0.1:{Port}/hook";

    /// <summary>Every POST so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedBatch> Batches
    {
        get
        {
            lock (_gate)
            {
                return [.. _batches];
            }
        }
    }

    /// <summary>Rooms of which a batch arrived while another was unanswered.</summary>
    public IReadOnlyList<string> Overlaps
    {
        get
        {
            lock (_gate)
            {
                return [.. _overlaps];
            }
        }
    }

    /// <summary>Requests to the place a 302 pointed to (there must be none).</summary>
    public int RedirectsFollowed => Volatile.Read(ref _redirectsFollowed);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        await receiver.StartAgainAsync();
        return receiver;
    }

    /// <summary>Answers the next POSTs with <paramref name="statuses"/>, one each, then 200 again.</summary>
    public void AnswerNext(params int[] statuses)
    {
        lock (_gate)
        {
            foreach (var status in statuses)
            {
                _answers.Enqueue(status);
            }
        }
    }

    /// <summary>Holds the next POST unanswered until its sender goes away; the task completes when it arrives.</summary>
    public Task HoldNext()
    {
        lock (_gate)
        {
            _holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _holding.Task;
        }
    }

    /// <summary>Starts (again) on the port it had, or on a free one the first time.</summary>
    public async Task StartAgainAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/hook", ReceiveAsync);
        app.MapPost("/elsewhere", () =>
        {
            Interlocked.Increment(ref _redirectsFollowed);
            return Results.Ok();
        });
        await app.StartAsync().DefaultTimeout();
        Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        _app = app;
    }

    /// <summary>Stops listening: the sender's connections are refused until <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync().DefaultTimeout();
            await app.DisposeAsync();
        }
    }

    /// <summary>
    /// Waits until the answered (2xx) batches of <paramref name="room"/> hold <paramref name="count"/> entries, bounded by
    /// <see cref="TestTimeouts.Slow"/>; returns their ids in arrival order.
    /// </summary>
    public async Task<long[]> WaitForAcceptedAsync(string room, int count)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Slow;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var accepted = Accepted(room);
                if (accepted.Length >= count)
                {
                    return accepted;
                }

                changed = _changed.Task;
            }

            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, $"{room}: {Accepted(room).Length} of {count} entries accepted; batches: {string.Join(", ", Batches.Select(b => $"{b.Delivery}={b.Status}"))}");
            await Task.WhenAny(changed, Task.Delay(left));
        }
    }

    /// <summary>The entry ids of <paramref name="room"/>'s answered (2xx) batches, in arrival order.</summary>
    public long[] Accepted(string room)
    {
        lock (_gate)
        {
            return [.. _batches.Where(b => b.Room == room && b.Status is >= 200 and < 300).SelectMany(b => b.Ids)];
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task ReceiveAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        using var json = JsonDocument.Parse(body);
        var room = json.RootElement.GetProperty("room").GetString()!;
        var ids = json.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ToArray();

        int status;
        TaskCompletionSource? hold;
        lock (_gate)
        {
            var inFlight = _inFlight.GetValueOrDefault(room) + 1;
            _inFlight[room] = inFlight;
            if (inFlight > 1)
            {
                _overlaps.Add(room);
            }

            status = _answers.TryDequeue(out var planned) ? planned : StatusCodes.Status200OK;
            hold = _holding;
            _holding = null;
        }

        try
        {
            if (hold is not null)
            {
                // The answer is lost: the sender goes away (killed) while it waits for it.
                hold.SetResult();
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                status = 0;
            }
            else if (status == StatusCodes.Status302Found)
            {
                context.Response.Headers.Location = $"http://127.0.0.1:{Port}/elsewhere";
            }
        }
        finally
        {
            lock (_gate)
            {
                _inFlight[room]--;
                _batches.Add(new ReceivedBatch(
                    json.RootElement.GetProperty("webhookId").GetString()!,
                    room,
                    ids,
                    context.Request.Headers["X-HubApp-Delivery"].ToString(),
                    context.Request.Headers["X-HubApp-Signature"].ToString(),
                    body,
                    status));
                _changed.TrySetResult();
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        context.Response.StatusCode = status == 0 ? StatusCodes.Status200OK : status;
    }
}

/// <summary>One POST as received; <paramref name="Status"/> 0: held until its sender went away, never answered.</summary>
internal sealed record ReceivedBatch(string WebhookId, string Room, long[] Ids, string Delivery, string Signature, byte[] Body, int Status)
{
    /// <summary>Whether the signature is the HMAC-SHA256 of the body keyed with the secret's UTF-8 bytes, as docs/integrations.md verifies it.</summary>
    public bool IsSignedWith(string secret) =>
        CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Signature),
            Encoding.ASCII.GetBytes("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Body))));
}
