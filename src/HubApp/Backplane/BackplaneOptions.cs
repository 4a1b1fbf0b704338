namespace HubApp.Backplane;

/// <summary>
/// How several nodes share rooms, presence and delivery. Section <c>Backplane</c>:
/// <code>"Backplane": { "Provider": "postgres", "HeartbeatInterval": "00:00:05", "NodeTimeout": "00:00:20" }</code>
/// </summary>
public sealed class BackplaneOptions
{
    public const string SectionName = "Backplane";
    public const string None = "none";
    public const string Postgres = "postgres";
    public const string Redis = "redis";

    /// <summary>
    /// <c>none</c> (default: one node), <c>postgres</c> or <c>redis</c>; both engines need <c>Storage:Provider</c>
    /// <c>postgres</c>, where history, ids and presence live.
    /// </summary>
    public string Provider { get; set; } = None;

    /// <summary>From <c>ConnectionStrings:Redis</c>: a StackExchange.Redis configuration string; required by <c>redis</c>.</summary>
    public string? RedisConnectionString { get; set; }

    /// <summary>
    /// The PostgreSQL <c>LISTEN</c> channel, or the prefix of the Redis channels; nodes sharing a database (and Redis)
    /// and channel form one cluster. Default <c>hubapp</c>.
    /// </summary>
    public string Channel { get; set; } = "hubapp";

    /// <summary>How often a node says it is alive. Default 5 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A node silent for this long is dead: another node removes its connections from presence and sends
    /// <c>UserLeft</c> for them. So a crashed node's users leave within NodeTimeout + HeartbeatInterval.
    /// Default 20 s; at least twice <see cref="HeartbeatInterval"/>.
    /// </summary>
    public TimeSpan NodeTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Longest wait between attempts to reconnect to PostgreSQL after an outage. Default 5 s.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often a node lets go of the rooms it has no member of any more (and, on Redis, unsubscribes from them). Not a
    /// documented setting: tests shorten it (<c>Backplane:RoomSweepInterval</c>) to watch a room being let go. Default 30 s.
    /// </summary>
    internal TimeSpan RoomSweepInterval { get; set; } = TimeSpan.FromSeconds(30);
}
