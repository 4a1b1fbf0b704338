using System.Text;
using HubApp.Client;
using HubApp.Contracts;
using HubApp.Testing;
using Microsoft.Data.Sqlite;

namespace HubApp.Tests.Hardening;

/// <summary>
/// Thousands of well-shaped invocations with hostile values; afterwards the stored history must be exactly
/// what was acknowledged, byte for byte, and nothing refused may have been stored.
/// </summary>
public sealed class FuzzTests
{
    private static readonly string[] Hostile =
    [
        "\u0000\u0001\u0007\u001b[31m\u007f",           // control characters, an ANSI escape
        "\ud800 lone high", "lone low \udc00", "\udc00\ud800", // lone and reversed surrogates
        "\u202eevil.exe\u202c \u200f\u200e\u2066\u2069",  // bidi overrides and isolates
        "a" + string.Concat(Enumerable.Repeat("\u0301", 3000)), // thousands of combining marks
        "'; DROP TABLE messages; --", "\" OR 1=1 --", "$1 $room ?1 :id @p",
        "<img src=x onerror=alert(1)>", "<script>alert('x')</script>", "{{constructor.constructor('x')()}}",
        "👩‍👩‍👧‍👦🏳️‍🌈", "\uFEFF BOM \uFFFE \uFFFF", "\r\n\t mixed \r line ends \n",
        "\\u0000 \\\" \\\\ escaped-looking", "\u001e record separator inside",
    ];

    [Fact]
    public async Task StoredHistoryIsExactlyWhatWasAcknowledged()
    {
        const int invocations = 2000;
        var random = new Random(20261121);
        await using var host = await HubAppHost.StartAsync();
        await using var alice = await host.ConnectAsync("alice");
        await using var bob = await host.ConnectAsync("bob");
        string[] rooms = ["fuzz-a", "fuzz-b"];
        foreach (var room in rooms)
        {
            await alice.JoinRoomAsync(room).DefaultTimeout();
            await bob.JoinRoomAsync(room).DefaultTimeout();
        }

        var acknowledged = new List<ChatMessage>();
        var refused = new Dictionary<string, int>();
        for (var i = 0; i < invocations; i++)
        {
            var sender = random.Next(2) == 0 ? alice : bob;
            var room = random.Next(10) == 0 ? Mutate(random, rooms[0]) : rooms[random.Next(rooms.Length)];
            try
            {
                acknowledged.Add(await sender.SendMessageAsync(room, Text(random)).DefaultTimeout());
            }
            catch (ChatException ex)
            {
                refused[ex.Code] = refused.GetValueOrDefault(ex.Code) + 1;
            }
        }

        Assert.True(acknowledged.Count > invocations / 2, $"only {acknowledged.Count} acknowledged");
        Assert.True(refused.Count > 0, "the fuzzer never provoked a refusal");
        Assert.All(refused.Keys, code => Assert.Contains(code, new[] { ErrorCodes.InvalidRoom, ErrorCodes.NotInRoom, ErrorCodes.InvalidMessage, ErrorCodes.MessageTooLong }));
        // The history (megabytes of escapes) is read without stateful reconnect: its 1 MB replay buffer would pace
        // the reader and expose it to SignalR's flush race (see HubAppHost), which is not what this test is about.
        await using var reader = host.CreateClient("alice", statefulReconnect: false);
        await reader.StartAsync().DefaultTimeout();
        foreach (var room in rooms)
        {
            var expected = acknowledged.Where(m => m.Room == room).ToArray();
            var history = await RoomHistory.ReadAllAsync(reader, room);
            var first = Enumerable.Range(0, Math.Min(expected.Length, history.Count)).FirstOrDefault(i => expected[i] != history[i], -1);
            Assert.True(first < 0 && expected.Length == history.Count, first < 0 ? $"{expected.Length} acknowledged, {history.Count} in history" : $"#{first}: acknowledged {Escape(expected[first])}, history {Escape(history[first])}");
            Assert.Equal(expected.Select(m => Encoding.UTF8.GetBytes(m.Text)), ReadStoredTexts(host, room));
        }
    }

    private static string Text(Random random)
    {
        var text = new StringBuilder();
        for (var parts = random.Next(1, 4); parts > 0; parts--)
        {
            text.Append(random.Next(4) switch
            {
                0 => Hostile[random.Next(Hostile.Length)],
                1 => new string((char)random.Next(0, 0x10000), random.Next(1, 5)), // any UTF-16 unit, surrogates included
                2 => random.Next(20) == 0 ? new string('x', 4001) : "plain words",
                _ => random.Next(10) == 0 ? "   " : "ok",
            });
        }

        return text.ToString();
    }

    private static string Escape(ChatMessage message) =>
        $"{message with { Text = string.Concat(message.Text.Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString())) }}";

    private static string Mutate(Random random, string room) => random.Next(4) switch
    {
        0 => room.ToUpperInvariant(),
        1 => room + "\u0000",
        2 => "not-joined-" + random.Next(100),
        _ => "../" + room,
    };

    private static List<byte[]> ReadStoredTexts(HubAppHost host, string room)
    {
        using var connection = new SqliteConnection($"Data Source={host.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT CAST(text AS BLOB) FROM messages WHERE room = $room ORDER BY id";
        query.Parameters.AddWithValue("$room", room);
        using var reader = query.ExecuteReader();
        var texts = new List<byte[]>();
        while (reader.Read())
        {
            texts.Add((byte[])reader.GetValue(0));
        }

        return texts;
    }
}
