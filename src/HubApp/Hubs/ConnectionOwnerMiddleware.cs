using System.Collections.Concurrent;
using HubApp.Auth;
using HubApp.Contracts;

namespace HubApp.Hubs;

/// <summary>
/// Binds a hub connection token to the user who negotiated it, and answers 403 to a request of that connection
/// (a long-polling poll or send, a Server-Sent Events stream or send, a stateful reconnect) made with another user's
/// token. SignalR itself only logs the change and then lets the connection act as the new user: whoever learns a
/// token could read that connection's stream and send as its owner.
/// </summary>
/// <remarks>
/// The token is read from the negotiate response (a small JSON body, buffered for it). A WebSocket connection made
/// without negotiate has no token to take over. Entries are kept <see cref="Retention"/> after their last request (a
/// long poll comes back within 100 s), and at most <see cref="MaxEntries"/>; a token let go is bound again by its
/// next request.
/// </remarks>
internal sealed class ConnectionOwnerMiddleware(RequestDelegate next, TimeProvider time)
{
    private const string ConnectionIdParameter = "id";
    private const int MaxEntries = 200_000;
    private static readonly TimeSpan Retention = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, Owner> _owners = new(StringComparer.Ordinal);
    private long _nextSweep;
    private long _entries;

    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(HubMethods.Path) || context.User.UserId() is not { } userId)
        {
            return next(context);
        }

        if (context.Request.Path.StartsWithSegments(HubMethods.Path + "/negotiate"))
        {
            return NegotiateAsync(context, userId);
        }

        if (context.Request.Query[ConnectionIdParameter] is not [{ Length: > 0 } token])
        {
            return next(context);
        }

        var now = time.GetUtcNow().UtcTicks;
        Sweep(now);
        var owner = _owners.AddOrUpdate(token, static (_, state) => state.Self.Added(new Owner(state.UserId, state.Now)), static (_, existing, state) => existing with { LastSeen = state.Now }, (UserId: userId, Now: now, Self: this));
        if (!string.Equals(owner.UserId, userId, StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return context.Response.WriteAsync("This connection belongs to another user.");
        }

        return next(context);
    }

    private async Task NegotiateAsync(HttpContext context, string userId)
    {
        var body = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = body;
        }

        if (context.Response.StatusCode == StatusCodes.Status200OK && TokenOf(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is { } token)
        {
            var now = time.GetUtcNow().UtcTicks;
            Sweep(now);
            _owners[token] = Added(new Owner(userId, now));
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(body, context.RequestAborted);
    }

    private static string? TokenOf(ReadOnlySpan<byte> negotiate)
    {
        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(negotiate);
            while (reader.Read())
            {
                if (reader.TokenType == System.Text.Json.JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("connectionToken"u8) && reader.Read())
                {
                    return reader.GetString();
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not a negotiate answer of SignalR's: nothing to bind.
        }

        return null;
    }

    private void Sweep(long now)
    {
        // ConcurrentDictionary.Count takes every lock of the dictionary, so it is not read on every request: the bound is
        // kept by a count of the entries added since the last sweep (an upper bound), which each sweep sets right.
        var due = Interlocked.Read(ref _nextSweep);
        if ((now < due && Interlocked.Read(ref _entries) < MaxEntries) || Interlocked.CompareExchange(ref _nextSweep, now + (Retention.Ticks / 10), due) != due)
        {
            return;
        }

        var excess = _owners.Count - MaxEntries;
        foreach (var (token, owner) in _owners)
        {
            if (now - owner.LastSeen > Retention.Ticks || excess > 0)
            {
                excess--;
                _owners.TryRemove(token, out _);
            }
        }

        Interlocked.Exchange(ref _entries, _owners.Count);
    }

    private Owner Added(Owner owner)
    {
        Interlocked.Increment(ref _entries);
        return owner;
    }

    private sealed record Owner(string UserId, long LastSeen);
}
