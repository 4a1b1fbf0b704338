using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HubApp.Backplane;

/// <summary>Healthy while the backplane listens to PostgreSQL; unhealthy from the loss of its connection until it listens again.</summary>
internal sealed class BackplaneHealthCheck(PostgresBackplane backplane) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(backplane.DisconnectedSince is { } since
            ? HealthCheckResult.Unhealthy($"The backplane has not been listening to PostgreSQL since {since:O}.")
            : HealthCheckResult.Healthy($"Node {backplane.NodeId} listening."));
}
