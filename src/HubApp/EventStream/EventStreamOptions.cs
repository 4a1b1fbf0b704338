using System.ComponentModel.DataAnnotations;

namespace HubApp.EventStream;

/// <summary>
/// The room event stream (<c>GET /api/rooms/{room}/events</c>). Section <c>EventStream</c>:
/// <code>
/// "EventStream": { "KeepAliveInterval": "00:00:15", "MaxStreamsPerUser": 5, "MaxStreams": 1000 }
/// </code>
/// </summary>
public sealed class EventStreamOptions
{
    public const string SectionName = "EventStream";

    /// <summary>Entries read from the store at once while a stream catches up (the largest history page).</summary>
    public const int ReplayPage = 200;

    /// <summary>
    /// Live entries one stream holds while it writes: past it, entries are dropped and read again from the store, so a
    /// slow reader costs this much memory and no more.
    /// </summary>
    public const int Buffer = 1000;

    /// <summary>How often a quiet stream sends a comment line, so that proxies keep it open. Default 15 s; 10 ms (for tests) to 1 h.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "EventStream:KeepAliveInterval must be between 00:00:00.010 and 01:00:00.")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Streams one user may hold open at once on a node; one more is <c>rate_limited</c> (429). Default 5.</summary>
    [Range(1, 1000)]
    public int MaxStreamsPerUser { get; set; } = 5;

    /// <summary>Streams a node holds open at once, all users together; one more is <c>unavailable</c> (503). Default 1000.</summary>
    [Range(1, 1_000_000)]
    public int MaxStreams { get; set; } = 1000;
}
