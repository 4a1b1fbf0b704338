namespace HubApp.Tests.ScaleOut;

/// <summary>The backplane the nodes of a test cluster share; the store and presence are PostgreSQL on both.</summary>
public enum Engine
{
    /// <summary><c>Backplane:Provider=postgres</c>: LISTEN/NOTIFY on the store's own database.</summary>
    Postgres,

    /// <summary><c>Backplane:Provider=redis</c>: a <see cref="HubApp.Testing.TestRedis"/> of the cluster's own.</summary>
    Redis,

    /// <summary>
    /// <c>Backplane:Provider=redis</c> on a <see cref="HubApp.Testing.TestRedisCluster"/> of the cluster's own: three
    /// masters, each with a replica, all six listed in <c>ConnectionStrings:Redis</c>.
    /// </summary>
    RedisCluster,
}
