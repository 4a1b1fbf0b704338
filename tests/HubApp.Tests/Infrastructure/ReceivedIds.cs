using System.Collections.Concurrent;
using HubApp.Client;
using HubApp.Contracts;

namespace HubApp.Tests.Infrastructure;

/// <summary>The ids a client's <see cref="ChatClient.MessageReceived"/> raised, per room, in the order raised: what a soak checks against history.</summary>
public sealed class ReceivedIds
{
    private readonly ConcurrentDictionary<string, Inbox<long>> _rooms = new(StringComparer.Ordinal);

    public ReceivedIds(ChatClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.MessageReceived += m => Room(m.Room).Add(m.Id);
    }

    /// <summary>Waits (bounded) until the client has raised as many entries of <paramref name="room"/> as its history holds, then fails unless they are the history's ids, once each and in order.</summary>
    public async Task AssertReceivedExactlyAsync(string who, string room, IReadOnlyList<ChatMessage> history)
    {
        IReadOnlyList<long> received;
        try
        {
            received = await Room(room).WaitForCountAsync(history.Count, TestTimeouts.Slow);
        }
        catch (OperationCanceledException)
        {
            received = Room(room).All;
        }

        if (!received.SequenceEqual(history.Select(m => m.Id)))
        {
            var first = Enumerable.Range(0, Math.Max(received.Count, history.Count))
                .First(i => i >= received.Count || i >= history.Count || received[i] != history[i].Id);
            Assert.Fail($"{who} in {room}: received {received.Count} ids, history has {history.Count}; first difference at #{first}");
        }
    }

    // Room names arrive in the server's lowercase form.
    private Inbox<long> Room(string room) => _rooms.GetOrAdd(room.ToLowerInvariant(), _ => new Inbox<long>());
}
