using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace HubApp.Testing;

/// <summary>A host's <c>GET /stats</c>, as an auditor reads it after a test's clients have gone.</summary>
public sealed record LiveStats(int Connections, int Users, Dictionary<string, int> Rooms)
{
    public bool Empty => Connections == 0 && Users == 0 && Rooms.Count == 0;

    /// <summary>
    /// The stats once nobody is connected (a connection, user or room left over shows in the answer returned at the
    /// deadline). Bounded past SignalR's disconnect timeout (15 s): a connection whose transport dropped instead of
    /// closing (a client disposed mid-reconnect on a busy machine) is held that long for a stateful reconnect.
    /// </summary>
    public static async Task<LiveStats> WhenEmptyAsync(Uri host)
    {
        using var http = new HttpClient { BaseAddress = host, Timeout = TestTimeouts.Default };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create("auditor"));
        var deadline = DateTime.UtcNow + TestTimeouts.Slow;
        while (true)
        {
            var stats = (await http.GetFromJsonAsync<LiveStats>("/stats"))!;
            if (stats.Empty || DateTime.UtcNow > deadline)
            {
                return stats;
            }

            await Task.Delay(100);
        }
    }

    public override string ToString() => $"connections {Connections}, users {Users}, rooms [{string.Join(", ", Rooms.Select(r => $"{r.Key}: {r.Value}"))}]";
}
