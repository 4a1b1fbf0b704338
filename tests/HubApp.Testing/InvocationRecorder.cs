using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Testing;

/// <summary>What the hub saw, for assertions: every connection (with its transport) and every hub method invoked.</summary>
public sealed class InvocationRecorder : IHubFilter
{
    public ConcurrentQueue<(string? UserId, string ConnectionId, HttpTransportType? Transport)> Connections { get; } = new();

    public ConcurrentQueue<(string? UserId, string ConnectionId, string Method)> Invocations { get; } = new();

    /// <summary>The hub methods <paramref name="userId"/> invoked, in order, with the connection of each.</summary>
    public IReadOnlyList<(string ConnectionId, string Method)> Of(string userId) =>
        [.. Invocations.Where(i => i.UserId == userId).Select(i => (i.ConnectionId, i.Method))];

    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        var transport = context.Context.Features.Get<IHttpTransportFeature>()?.TransportType;
        Connections.Enqueue((context.Context.UserIdentifier, context.Context.ConnectionId, transport));
        return next(context);
    }

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        Invocations.Enqueue((invocationContext.Context.UserIdentifier, invocationContext.Context.ConnectionId, invocationContext.HubMethodName));
        return next(invocationContext);
    }
}
