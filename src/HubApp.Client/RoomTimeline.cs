using HubApp.Contracts;

namespace HubApp.Client;

/// <summary>
/// One room's messages in their current state, for an app that shows them: listings (a join's snapshot, history,
/// <c>GetMessages</c>, <c>GetThread</c>, search, the answer of <c>React</c>) are the server's state and replace what is
/// held; live entries (<see cref="ChatClient.MessageReceived"/>) are folded on with <see cref="LogFolding"/>.
/// </summary>
/// <remarks>
/// Each message remembers the newest log id its state includes. A stored target reads its current state, so a message
/// read from the server includes every entry up to the newest the timeline had seen; an entry at or below that id is
/// already in it and is not folded twice (a thread reply would count twice otherwise). Holds at most
/// <c>capacity</c> messages, forgetting the lowest ids first. Not thread-safe: its owner calls it under a lock.
/// </remarks>
public sealed class RoomTimeline
{
    private readonly SortedDictionary<long, (ChatMessage Message, long AsOf)> _messages = [];
    private readonly int _capacity;
    private long _newest;

    public RoomTimeline(int capacity = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>The message entry <paramref name="id"/> in its current state, if held.</summary>
    public ChatMessage? Find(long id) => _messages.TryGetValue(id, out var held) ? held.Message : null;

    /// <summary>
    /// Takes entries read from the server: its <c>message</c> entries replace the copies held; its other entries are
    /// folded onto held messages they are newer than (a listing holds its own targets in their current state already).
    /// </summary>
    public void Load(IEnumerable<ChatMessage> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var list = entries.OrderBy(e => e.Id).ToList();
        if (list.Count == 0)
        {
            return;
        }

        var asOf = Math.Max(_newest, list[^1].Id);
        foreach (var message in list.Where(e => e.Kind == MessageKinds.Message))
        {
            _messages[message.Id] = (message, asOf);
        }

        foreach (var entry in list)
        {
            Fold(entry);
        }

        _newest = asOf;
        Trim();
    }

    /// <summary>
    /// Takes a live entry and returns the messages it changed, in their new state: a message itself (and the root of
    /// its thread, for a reply), the target of an edit, delete, react or unreact. Empty when it changed nothing held.
    /// </summary>
    public IReadOnlyList<ChatMessage> Apply(ChatMessage entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var changed = new List<ChatMessage>();
        if (entry.Kind == MessageKinds.Message && !_messages.ContainsKey(entry.Id))
        {
            _messages[entry.Id] = (entry, entry.Id);
            changed.Add(entry);
        }

        changed.AddRange(Fold(entry));
        _newest = Math.Max(_newest, entry.Id);
        Trim();
        return changed;
    }

    // Folds one entry onto the held messages it changes (its target; its thread's root) when newer than their state.
    private List<ChatMessage> Fold(ChatMessage entry)
    {
        var changed = new List<ChatMessage>();
        var targetId = entry.Kind == MessageKinds.Message ? entry.ThreadId : entry.TargetId;
        if (targetId is not { } id || !_messages.TryGetValue(id, out var held) || entry.Id <= held.AsOf)
        {
            return changed;
        }

        var folded = LogFolding.Fold(held.Message, entry);
        _messages[id] = (folded, entry.Id);
        changed.Add(folded);
        if (entry.Kind == MessageKinds.Delete && held.Message is { DeletedAt: null, ThreadId: { } rootId }
            && _messages.TryGetValue(rootId, out var root) && entry.Id > root.AsOf)
        {
            var remaining = _messages.Values.Select(m => m.Message).Where(m => m.ThreadId == rootId && m.DeletedAt is null && m.Id != id).ToList();
            var unthreaded = LogFolding.RemoveReply(root.Message, held.Message, remaining);
            _messages[rootId] = (unthreaded, entry.Id);
            changed.Add(unthreaded);
        }

        return changed;
    }

    private void Trim()
    {
        while (_messages.Count > _capacity)
        {
            _messages.Remove(_messages.First().Key);
        }
    }
}
