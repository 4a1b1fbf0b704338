using System.Net.Http.Headers;
using System.Net.Http.Json;
using HubApp.Contracts;

namespace HubApp.Testing;

/// <summary>A host's <c>GET /stats</c> (<see cref="ChatStats"/>), as an auditor reads it after a test's clients have gone.</summary>
public static class LiveStats
{
    public static bool IsEmpty(this ChatStats stats) => stats.Connections == 0 && stats.Users == 0 && stats.Rooms.Count == 0;

    public static string Describe(this ChatStats stats) =>
        $"connections {stats.Connections}, users {stats.Users}, rooms [{string.Join(", ", stats.Rooms.Select(r => $"{r.Key}: {r.Value}"))}]";

    /// <summary>
    /// The stats once nobody is connected (a connection, user or room left over shows in the answer returned at the
    /// deadline). Bounded past SignalR's disconnect timeout (15 s): a connection whose transport dropped instead of
    /// closing (a client disposed mid-reconnect on a busy machine) is held that long for a stateful reconnect.
    /// </summary>
    public static async Task<ChatStats> WhenEmptyAsync(Uri host)
    {
        using var http = new HttpClient { BaseAddress = host, Timeout = TestTimeouts.Default };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Create("auditor"));
        var deadline = DateTime.UtcNow + TestTimeouts.Slow;
        while (true)
        {
            var stats = (await http.GetFromJsonAsync<ChatStats>("/stats"))!;
            if (stats.IsEmpty() || DateTime.UtcNow > deadline)
            {
                return stats;
            }

            await Task.Delay(100);
        }
    }
}
