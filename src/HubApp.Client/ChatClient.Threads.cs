using HubApp.Contracts;
using Microsoft.AspNetCore.SignalR.Client;

namespace HubApp.Client;

// Drafts, replies, threads and mentions (contract v3). A draft goes out on the outbox like SendMessageAsync; a thread
// reply is an ordinary entry of the room log, so it is raised through MessageReceived in id order like any other, and
// RoomTimeline folds it onto its root. Mentioned is raised as the server sends it, for rooms joined or not.
public sealed partial class ChatClient
{
    /// <summary>
    /// A message of a room the user may read names them (<c>@userId</c>); on every connection, whether or not the room is
    /// joined. Not raised again for a message seen before a reconnect: the server sends it once.
    /// </summary>
    public event Func<ChatMessage, Task>? Mentioned;

    /// <summary>
    /// Posts <paramref name="draft"/> to <paramref name="room"/> on the outbox, as <see cref="SendMessageAsync"/> does a
    /// text, and returns it once stored. A draft without a clientMessageId gets a fresh one, kept across the retries.
    /// </summary>
    /// <exception cref="ChatException"><c>not_found</c> for a reply or thread whose message is not in the room, and the refusals of <see cref="SendMessageAsync"/>.</exception>
    public Task<ChatMessage> PostAsync(string room, Draft draft, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        draft = WithClientMessageId(draft);
        return EnqueueSend<ChatMessage>(new OutboxSend(RoomChain(room), HubMethods.Post, [room, draft], draft.ClientMessageId!), ct);
    }

    /// <summary>As <see cref="PostAsync"/>, for a direct message to <paramref name="userId"/> (no threads there).</summary>
    public Task<DirectMessage> PostDirectAsync(string userId, Draft draft, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        draft = WithClientMessageId(draft);
        return EnqueueSend<DirectMessage>(new OutboxSend(DirectChain(userId), HubMethods.PostDirect, [userId, draft], draft.ClientMessageId!), ct);
    }

    /// <summary>The replies of thread <paramref name="rootId"/>, ascending: the oldest <paramref name="limit"/> (1–200) after <paramref name="afterId"/>. Not raised as events.</summary>
    public async Task<IReadOnlyList<ChatMessage>> GetThreadAsync(string room, long rootId, long? afterId = null, int limit = 50, CancellationToken ct = default) =>
        await Invoke<ChatMessage[]>(HubMethods.GetThread, [Required(room), rootId, afterId, limit], ct).ConfigureAwait(false);

    /// <summary>The room's entries with these ids (at most 100) in their current state, ascending; ids that do not exist are left out.</summary>
    public async Task<IReadOnlyList<ChatMessage>> GetMessagesAsync(string room, IReadOnlyCollection<long> ids, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return await Invoke<ChatMessage[]>(HubMethods.GetMessages, [Required(room), ids.ToArray()], ct).ConfigureAwait(false);
    }

    private static Draft WithClientMessageId(Draft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(draft.Text, nameof(draft.Text));
        return draft.ClientMessageId is null ? draft with { ClientMessageId = NewClientMessageId() } : draft;
    }

    private void RegisterThreadEvents() =>
        _hub.On<ChatMessage>(nameof(IChatClient.Mentioned), e => _events.Raise(Mentioned, e, nameof(Mentioned)));
}
