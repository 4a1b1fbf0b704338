using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HubApp.Backplane.Redis;

/// <summary>
/// Healthy while this node is connected to Redis. Unhealthy from the loss of the connection until it is back, and
/// once the node is shutting down, so that a load balancer stops sending clients here.
/// </summary>
internal sealed class RedisBackplaneHealthCheck(RedisConnection redis, NodeIdentity node, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The node is shutting down.");
        }

        var multiplexer = await redis.GetAsync().WaitAsync(cancellationToken);
        return multiplexer.IsConnected && redis.DisconnectedSince is null
            ? HealthCheckResult.Healthy($"Node {node.Id} connected to Redis at {redis.Endpoints}.")
            : HealthCheckResult.Unhealthy($"Redis at {redis.Endpoints} does not answer" + (redis.DisconnectedSince is { } since ? $" since {since:O}." : "."));
    }
}
