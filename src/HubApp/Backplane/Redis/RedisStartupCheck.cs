using HubApp.Configuration;

namespace HubApp.Backplane.Redis;

/// <summary>
/// A node on the Redis engine starts only once Redis answers (it keeps working through later outages), and only on Redis
/// 7.0 or newer.
/// </summary>
internal sealed class RedisStartupCheck(RedisConnection redis, TimeProvider time) : IStartupCheck
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly Version MinimumVersion = new(7, 0);

    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        var multiplexer = await redis.GetAsync().WaitAsync(cancellationToken);
        var deadline = time.GetUtcNow() + Patience;
        while (!multiplexer.IsConnected && time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
        }

        if (!multiplexer.IsConnected)
        {
            return $"Redis at {redis.Endpoints} (ConnectionStrings:Redis) did not answer within {Patience.TotalSeconds:0} s.";
        }

        // The room channels are sharded pub/sub (SSUBSCRIBE), which Redis has from 7.0 on.
        var old = multiplexer.GetServers().FirstOrDefault(s => s.IsConnected && s.Version < MinimumVersion);
        return old is null ? null : $"Redis at {old.EndPoint} (ConnectionStrings:Redis) is {old.Version}; the redis backplane needs Redis {MinimumVersion} or newer.";
    }
}
