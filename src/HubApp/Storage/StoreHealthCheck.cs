using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HubApp.Storage;

/// <summary>Healthy when the store answers a read and the last write batch went through.</summary>
internal sealed class StoreHealthCheck(IMessageStore store, MessageWriter writer) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.PingAsync(cancellationToken);
        }
        catch (StoreUnavailableException ex)
        {
            return HealthCheckResult.Unhealthy("The store does not answer.", ex);
        }

        return writer.FailingSince is { } since
            ? HealthCheckResult.Unhealthy($"Writes have failed since {since:O}.")
            : HealthCheckResult.Healthy();
    }
}
