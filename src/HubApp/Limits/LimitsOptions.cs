using System.ComponentModel.DataAnnotations;

namespace HubApp.Limits;

/// <summary>
/// Per-connection and per-user limits. Section <c>Limits</c>:
/// <code>
/// "Limits": { "MaxMessageLength": 4000, "MaxRoomsPerConnection": 50, "MaxRoomsPerUser": 500, "MessagesPerSecond": 10, "Burst": 20,
///             "TypingPerSecond": 2, "MaxConnectionsPerUser": 20, "EditWindow": "1.00:00:00",
///             "NegotiationsPerSecond": 20, "NegotiationBurst": 200, "ReadsPerSecond": 10, "ReadBurst": 100,
///             "RoomsCreatedPerHour": 20, "MaxRoomsOwned": 100, "MaxReactionKinds": 20,
///             "UploadsPerMinute": 20 }
/// </code>
/// </summary>
public sealed class LimitsOptions
{
    public const string SectionName = "Limits";

    /// <summary>Longest message text, in UTF-16 characters (what browsers count). Default 4000.</summary>
    [Range(1, 1_000_000)]
    public int MaxMessageLength { get; set; } = 4000;

    /// <summary>Rooms one connection may have joined at once. Default 50.</summary>
    [Range(1, 100_000)]
    public int MaxRoomsPerConnection { get; set; } = 50;

    /// <summary>
    /// Rooms on one user's list (contract v3, "Your rooms": what <c>GetMyRooms</c> returns and every device of theirs joins);
    /// a <c>JoinRoom</c> of one more is <c>too_many_rooms</c>. Default 500.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxRoomsPerUser { get; set; } = 500;

    /// <summary>
    /// Sustained rate of SendMessage, PostMessage, Post, EditMessage, DeleteMessage, React and their direct counterparts per
    /// connection. Default 10.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MessagesPerSecond { get; set; } = 10;

    /// <summary>How many of those a connection may send at once before the rate applies. Default 20.</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 20;

    /// <summary>
    /// Sustained rate of Typing per connection, an allowance of its own: typing notices never use up the one
    /// for messages, so a user who types fast is not refused their send. Default 2; the burst is
    /// <see cref="TypingBurst"/>.
    /// </summary>
    [Range(1, 1_000_000)]
    public int TypingPerSecond { get; set; } = 2;

    /// <summary>Typing notices a connection may send at once: two and a half seconds' worth, at least 5 (the contract's default burst).</summary>
    public int TypingBurst => Math.Max(5, (int)Math.Min(int.MaxValue, TypingPerSecond * 5L / 2));

    /// <summary>
    /// The most bytes one encoded message may take on the way in (a hub invocation, an HTTP API body): text that is all
    /// escapes (<c>\uXXXX</c>, 6 bytes a UTF-16 code unit, the most any encoding of it takes) plus a 2 KB envelope for
    /// the room, ids and framing. Anything larger cannot be a valid message, so it is refused before it is buffered.
    /// </summary>
    public long MaxEncodedMessageBytes => (MaxMessageLength * 6L) + 2048;

    /// <summary>Connections one user may hold open; further ones are refused at connect. Default 20.</summary>
    [Range(1, 100_000)]
    public int MaxConnectionsPerUser { get; set; } = 20;

    /// <summary>
    /// Sustained rate of negotiations (<c>POST /hubs/chat/negotiate</c>) per user. Default 20: a reconnecting client
    /// negotiates once per attempt, and a script or test run may open connections of one user quickly. Each
    /// negotiation holds a connection token on the server until it is used or dropped; a flood gets no more than this.
    /// </summary>
    [Range(1, 1_000_000)]
    public int NegotiationsPerSecond { get; set; } = 20;

    /// <summary>Negotiations a user may make at once. Default 200: every connection of a user at the connection limit (20) reconnecting ten times.</summary>
    [Range(1, 1_000_000)]
    public int NegotiationBurst { get; set; } = 200;

    /// <summary>
    /// Sustained rate of history reads per connection: JoinRoom (new joins, re-joins and catch-up pages alike), GetHistory,
    /// GetThread, GetMessages, GetDirectHistory, SyncDirectMessages, GetMyRooms and GetBans. Default 10. A user's connections together get <see cref="UserReadsPerSecond"/>,
    /// and the HTTP API's reads (<c>GET /api/rooms…</c>) an allowance of that size per user of their own.
    /// </summary>
    [Range(1, 1_000_000)]
    public int ReadsPerSecond { get; set; } = 10;

    /// <summary>
    /// History reads a connection may make at once. Default 100: a client rejoining <c>MaxRoomsPerConnection</c> (50)
    /// rooms after a reconnect, each with a catch-up page more, is never refused.
    /// </summary>
    [Range(1, 1_000_000)]
    public int ReadBurst { get; set; } = 100;

    /// <summary>The rate of all of one user's connections together: five times one connection's.</summary>
    public int UserReadsPerSecond => (int)Math.Min(int.MaxValue, ReadsPerSecond * 5L);

    /// <summary>The burst of all of one user's connections together: four connections rejoining everything at once.</summary>
    public int UserReadBurst => (int)Math.Min(int.MaxValue, ReadBurst * 4L);

    /// <summary>
    /// Rooms one user may create (<c>CreateRoom</c>) in any hour, counted in the store by the rooms they own that were made
    /// in the last hour, so the allowance holds across their connections and every node. Default 20. Past it,
    /// <c>rate_limited</c>. Admins are not held to it.
    /// </summary>
    [Range(1, 1_000_000)]
    public int RoomsCreatedPerHour { get; set; } = 20;

    /// <summary>
    /// Rooms one user may own at once (created or handed to them); a further <c>CreateRoom</c> is <c>forbidden</c> until
    /// they hand one over. Default 100. Admins are not held to it.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxRoomsOwned { get; set; } = 100;

    /// <summary>
    /// Different emoji one message may carry (contract v3, "Reactions"); a reaction with one more is <c>invalid_message</c>.
    /// Default 20.
    /// </summary>
    [Range(1, 1000)]
    public int MaxReactionKinds { get; set; } = 20;

    /// <summary>
    /// Files one user may upload a minute (contract v3, "Attachments"), across rooms and conversations; past it, 429
    /// <c>rate_limited</c> with <c>Retry-After</c>. Default 20.
    /// </summary>
    [Range(1, 100_000)]
    public int UploadsPerMinute { get; set; } = 20;

    /// <summary>How long after sending its author may edit a message (deleting has no window). Default 24 h; 1 s to 3650 days.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00", ErrorMessage = "Limits:EditWindow must be between 00:00:01 and 3650.00:00:00.")]
    public TimeSpan EditWindow { get; set; } = TimeSpan.FromDays(1);
}
