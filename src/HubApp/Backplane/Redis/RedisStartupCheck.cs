using HubApp.Configuration;

namespace HubApp.Backplane.Redis;

/// <summary>A node on the Redis engine starts only once Redis answers (it keeps working through later outages).</summary>
internal sealed class RedisStartupCheck(RedisConnection redis, TimeProvider time) : IStartupCheck
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        var multiplexer = await redis.GetAsync().WaitAsync(cancellationToken);
        var deadline = time.GetUtcNow() + Patience;
        while (!multiplexer.IsConnected && time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
        }

        return multiplexer.IsConnected ? null : $"Redis at {redis.Endpoints} (ConnectionStrings:Redis) did not answer within {Patience.TotalSeconds:0} s.";
    }
}
