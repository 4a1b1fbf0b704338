namespace HubApp.Contracts;

/// <summary>
/// The answer of <c>GET /stats</c> (docs/protocol.md, "HTTP endpoints"): live connections and users, and each room's users
/// present, across nodes with a backplane; only the rooms the caller may read.
/// </summary>
public sealed record ChatStats(int Connections, int Users, IReadOnlyDictionary<string, int> Rooms);
