using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HubApp.Backplane.Postgres;

/// <summary>
/// Healthy while the backplane listens to PostgreSQL. Unhealthy from the loss of its connection until it
/// listens again, and once the node is shutting down, so that a load balancer stops sending clients here.
/// </summary>
internal sealed class PostgresBackplaneHealthCheck(PostgresListener listener, PostgresBackplane backplane, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            lifetime.ApplicationStopping.IsCancellationRequested ? HealthCheckResult.Unhealthy("The node is shutting down.")
            : listener.DisconnectedSince is { } since ? HealthCheckResult.Unhealthy($"The backplane has not been listening to PostgreSQL since {since:O}.")
            : HealthCheckResult.Healthy($"Node {backplane.NodeId} listening."));
}
