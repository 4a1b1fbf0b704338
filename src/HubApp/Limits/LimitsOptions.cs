using System.ComponentModel.DataAnnotations;

namespace HubApp.Limits;

/// <summary>
/// Per-connection and per-user limits. Section <c>Limits</c>:
/// <code>
/// "Limits": { "MaxMessageLength": 4000, "MaxRoomsPerConnection": 50, "MessagesPerSecond": 10, "Burst": 20, "MaxConnectionsPerUser": 20 }
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

    /// <summary>Sustained rate of SendMessage, Typing and SendDirectMessage per connection. Default 10.</summary>
    [Range(1, 1_000_000)]
    public int MessagesPerSecond { get; set; } = 10;

    /// <summary>How many of those a connection may send at once before the rate applies. Default 20.</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 20;

    /// <summary>Connections one user may hold open; further ones are refused at connect. Default 20.</summary>
    [Range(1, 100_000)]
    public int MaxConnectionsPerUser { get; set; } = 20;
}
