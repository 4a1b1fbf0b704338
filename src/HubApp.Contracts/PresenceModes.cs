namespace HubApp.Contracts;

/// <summary>
/// (v3) How a connection hears of joins and leaves: the values of the hub URL's <see cref="QueryParameter"/>, chosen once
/// per connection (<c>/hubs/chat?presence=batched</c>). <see cref="Each"/> (or none, or any other value): <c>UserJoined</c>
/// and <c>UserLeft</c> per change; <see cref="Batched"/>: one <c>PresenceChanged</c> per room at most every
/// <see cref="BatchWindowMilliseconds"/> (docs/protocol.md, "Batched presence").
/// </summary>
public static class PresenceModes
{
    public const string Each = "each";

    public const string Batched = "batched";

    /// <summary>The shortest time between two batches of one room to one connection.</summary>
    public const int BatchWindowMilliseconds = 200;

    /// <summary>The query string parameter. Not a constant: the constants of this class are its values.</summary>
    public static readonly string QueryParameter = "presence";
}
