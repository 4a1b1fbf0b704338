using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using HubApp.Contracts;
using HubApp.Json;

namespace HubApp.Backplane;

/// <summary>
/// One send as it travels between nodes in a NOTIFY payload (or a <c>backplane_payloads</c> row when larger):
/// whom it is for, the client method and its arguments, already in the hub protocol's JSON.
/// </summary>
/// <param name="Origin">The node that already delivered it to its own connections, which skips it; null for
/// sends made inside a store transaction, which every node, the origin included, delivers from the stream.</param>
/// <param name="StoredBy">For a stored message (published inside the store transaction): the node that stored it.</param>
/// <param name="PublishedAt">For a stored message: when its node published it, just before the commit, in
/// microseconds since the Unix epoch by that node's clock; the receiving nodes measure the backplane's lag with it.
/// Both are absent for every other send, and ignored by a node that does not know them.</param>
internal sealed record BackplaneEnvelope(
    [property: JsonPropertyName("k")] EnvelopeKind Kind,
    [property: JsonPropertyName("o")] string? Origin,
    [property: JsonPropertyName("t")] IReadOnlyList<string> Targets,
    [property: JsonPropertyName("x")] IReadOnlyList<string>? Excluded,
    [property: JsonPropertyName("m")] string Method,
    [property: JsonPropertyName("a")] IReadOnlyList<JsonElement> Args,
    [property: JsonPropertyName("n")] string? StoredBy = null,
    [property: JsonPropertyName("p")] long? PublishedAt = null)
{
    // Text as UTF-8, as on the hub's wire: NOTIFY payloads are limited to 8000 bytes, and an escaped emoji takes 12.
    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Encoder = WireJsonEncoder.Instance };

    // The argument types of every client method, so that a received send is made with the contract records it
    // was published with: SignalR's MessagePack protocol cannot write a JsonElement (it sends an empty map).
    private static readonly FrozenDictionary<string, Type[]> ClientMethodArguments = typeof(IChatClient).GetMethods()
        .ToFrozenDictionary(m => m.Name, m => m.GetParameters().Select(p => p.ParameterType).ToArray(), StringComparer.Ordinal);

    /// <summary>An envelope whose arguments are serialized with <paramref name="json"/>, the hub protocol's payload options.</summary>
    public static BackplaneEnvelope Create(EnvelopeKind kind, string? origin, IReadOnlyList<string> targets, IReadOnlyList<string>? excluded, string method, object?[] args, JsonSerializerOptions json) =>
        new(kind, origin, targets, excluded, method, [.. args.Select(a => JsonSerializer.SerializeToElement(a, a?.GetType() ?? typeof(object), json))]);

    public string Serialize() => JsonSerializer.Serialize(this, Options);

    public static BackplaneEnvelope? Deserialize(string payload) => JsonSerializer.Deserialize<BackplaneEnvelope>(payload, Options);

    /// <summary>
    /// The arguments as the client method's own types, read with <paramref name="json"/> (the hub protocol's payload
    /// options), so that every hub protocol can write them; a method this node does not know keeps its JSON.
    /// </summary>
    public object?[] ArgsAsObjects(JsonSerializerOptions json) =>
        ClientMethodArguments.TryGetValue(Method, out var types) && types.Length == Args.Count
            ? [.. Args.Select((a, i) => a.Deserialize(types[i], json))]
            : [.. Args.Select(a => (object?)a)];

    /// <summary>
    /// For a room's entry published inside the store transaction that stored it: the entry, read with <paramref name="json"/>
    /// (the hub protocol's payload options); null for every other send, stored direct messages included.
    /// </summary>
    public ChatMessage? StoredRoomEntry(JsonSerializerOptions json) =>
        StoredBy is not null && Method == nameof(IChatClient.MessageReceived) && Args is [var entry] ? entry.Deserialize<ChatMessage>(json) : null;

    /// <summary>A time as <see cref="PublishedAt"/> carries it.</summary>
    public static long ToPublishedAt(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    /// <summary>How long ago, by <paramref name="now"/>, the storing node published it; null for a send that is not a stored message.</summary>
    public TimeSpan? Age(DateTimeOffset now) =>
        PublishedAt is { } at ? now - DateTimeOffset.UnixEpoch.AddTicks(at * TimeSpan.TicksPerMicrosecond) : null;
}

/// <summary>What <see cref="BackplaneEnvelope.Targets"/> names.</summary>
internal enum EnvelopeKind
{
    All,
    Connections,
    Groups,
    Users,

    /// <summary>Add the connection (Targets[0]) to the group (Targets[1]) on the node that holds it.</summary>
    AddToGroup,

    /// <summary>Remove the connection (Targets[0]) from the group (Targets[1]) on the node that holds it.</summary>
    RemoveFromGroup,

    /// <summary>A room's stored state changed (Args[0], a <c>RoomChange</c>): for every node, not for connections.</summary>
    RoomChanged,
}
