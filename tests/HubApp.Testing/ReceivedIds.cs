using System.Collections.Concurrent;
using HubApp.Client;
using HubApp.Contracts;

namespace HubApp.Testing;

/// <summary>
/// The ids a client's <see cref="ChatClient.MessageReceived"/> raised, per room, in the order raised, and those it handed
/// over only in the snapshot of a join of a joined room (which are not raised): what a soak checks against history.
/// </summary>
public sealed class ReceivedIds
{
    private readonly ConcurrentDictionary<string, Inbox<long>> _rooms = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<long, bool>> _snapshots = new(StringComparer.Ordinal);

    public ReceivedIds(ChatClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.MessageReceived += m => Room(m.Room).Add(m.Id);
    }

    /// <summary>
    /// A join of a room already joined returns the entries after its sinceId in its snapshot; the client raises only what
    /// comes after the snapshot, so those that were not raised before reach the app this way.
    /// </summary>
    public void Snapshot(RoomSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var ids = _snapshots.GetOrAdd(snapshot.Room.ToLowerInvariant(), _ => new());
        foreach (var message in snapshot.Messages)
        {
            ids[message.Id] = true;
        }
    }

    /// <summary>
    /// Waits (bounded) until the client has handed over as many entries of <paramref name="room"/> as its history holds,
    /// then fails unless what it raised is in id order, once each, and together with what came only in snapshots is
    /// exactly the history.
    /// </summary>
    public async Task AssertReceivedExactlyAsync(string who, string room, IReadOnlyList<ChatMessage> history)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Slow;
        var (raised, onlyInSnapshots) = Received(room);
        while (raised.Count + onlyInSnapshots.Count < history.Count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            (raised, onlyInSnapshots) = Received(room);
        }

        if (!raised.Zip(raised.Skip(1)).All(p => p.First < p.Second))
        {
            Assert.Fail($"{who} in {room}: ids raised out of order or twice: {string.Join(",", raised)}");
        }

        var expected = history.Select(m => m.Id).Where(id => !onlyInSnapshots.Contains(id)).ToList();
        if (!raised.SequenceEqual(expected))
        {
            var first = Enumerable.Range(0, Math.Max(raised.Count, expected.Count)).First(i => i >= raised.Count || i >= expected.Count || raised[i] != expected[i]);
            Assert.Fail($"{who} in {room}: raised {raised.Count} ids and {onlyInSnapshots.Count} more only in snapshots, history has {history.Count}; first difference at #{first} "
                + $"(raised {string.Join(",", raised.Skip(Math.Max(0, first - 3)).Take(6))}; history {string.Join(",", expected.Skip(Math.Max(0, first - 3)).Take(6))})");
        }
    }

    private (IReadOnlyList<long> Raised, HashSet<long> OnlyInSnapshots) Received(string room)
    {
        var raised = Room(room).All;
        var snapshots = _snapshots.TryGetValue(room.ToLowerInvariant(), out var ids) ? ids.Keys.ToHashSet() : [];
        snapshots.ExceptWith(raised);
        return (raised, snapshots);
    }

    // Room names arrive in the server's lowercase form.
    private Inbox<long> Room(string room) => _rooms.GetOrAdd(room.ToLowerInvariant(), _ => new Inbox<long>());
}
