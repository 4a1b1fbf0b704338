using HubApp.Contracts;
using HubApp.Errors;
using HubApp.Limits;
using HubApp.Presence;
using HubApp.Rooms;
using HubApp.Sending;
using HubApp.Storage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace HubApp.Messaging;

/// <summary>
/// Room messages, typing and direct messages: validation, then the store, then delivery. A store that cannot
/// take a message throws <see cref="StoreUnavailableException"/>, which the hub answers with <c>unavailable</c>.
/// </summary>
internal sealed class MessageService(
    PresenceTracker presence,
    RoomAuthorization authorization,
    MessageWriter writer,
    MentionNotifier mentions,
    IHubClients<IChatClient> clients,
    IOptions<LimitsOptions> limits,
    IOptions<AttachmentsOptions> attachments,
    ILogger<MessageService> logger)
{
    /// <summary>
    /// The hub's SendMessage: stores and delivers a message; with a <paramref name="clientMessageId"/> the store keeps one
    /// per room and user, and a repeat is answered with the message stored first, which is not delivered again.
    /// </summary>
    /// <remarks>
    /// Decided by <see cref="AllowPostAsync"/>, then not_in_room. The decision completes synchronously on a cached room, so
    /// the write is still queued in the order the sends arrived, and the caller of a text that mentions no one gets the
    /// writer's own task: no async layer of this method's (a refusal is thrown, as the hub's filters expect either way).
    /// </remarks>
    public Task<ChatMessage> SendAsync(ChatCaller caller, string? room, string? text, string? clientMessageId, CancellationToken cancellationToken)
    {
        var allowed = AllowPostAsync(caller, room, out var name, cancellationToken);
        if (!allowed.IsCompletedSuccessfully)
        {
            return SendWhenAllowedAsync(allowed, caller, name, text, clientMessageId, cancellationToken);
        }

        presence.RequireJoined(caller, name);
        return WriteAsync(Validated(caller, name, text, clientMessageId), cancellationToken);
    }

    /// <summary>
    /// The hub's Post: <see cref="SendAsync"/> with more to say (docs/protocol.md, "Replies and threads"). The message it
    /// answers and the thread it joins are decided by the store, inside the append's transaction (<see cref="NewChatMessage"/>):
    /// <c>not_found</c> when either is not a message of the room that can take it.
    /// </summary>
    public async Task<ChatMessage> PostDraftAsync(ChatCaller caller, string? room, Draft? draft, CancellationToken cancellationToken)
    {
        await AllowPostAsync(caller, room, out var name, cancellationToken);
        presence.RequireJoined(caller, name);
        if (draft is null)
        {
            throw ChatErrors.InvalidMessage();
        }

        // The uploads are claimed by the store, in the append's transaction; a draft with some may show no text.
        var uploads = DraftAttachments.Validate(draft.AttachmentIds, attachments.Value.MaxPerMessage);
        var message = new NewChatMessage(
            name, caller.UserId, caller.UserName, MessageText.Validate(draft.Text, limits.Value.MaxMessageLength, mayShowNothing: uploads is not null),
            ClientMessageId.Validate(draft.ClientMessageId), draft.ReplyToId, draft.ThreadId, uploads);
        return await WriteAsync(message, cancellationToken);
    }

    /// <summary>
    /// The writer's own task when the text mentions no one (no async layer on the usual send); otherwise the stored message
    /// is told to whom it mentions once it is new (a repeated client message id was told when first stored).
    /// </summary>
    private Task<ChatMessage> WriteAsync(NewChatMessage message, CancellationToken cancellationToken) =>
        message.Text.Contains('@', StringComparison.Ordinal) || message.RefersToOthers
            ? WriteAndNotifyAsync(message, cancellationToken)
            : writer.WriteAsync(message, cancellationToken);

    private async Task<ChatMessage> WriteAndNotifyAsync(NewChatMessage message, CancellationToken cancellationToken)
    {
        WrittenMessage written;
        try
        {
            written = await writer.PostAsync(message, cancellationToken);
        }
        catch (PostTargetNotFoundException refused)
        {
            throw refused.Post is { ReplyToId: null, ThreadId: null }
                ? ChatErrors.AttachmentNotFound()
                : ChatErrors.PostTargetNotFound(refused.Post.Room, refused.Post.ReplyToId, refused.Post.ThreadId);
        }

        if (written.Created)
        {
            mentions.Notify(written.Message);
        }

        return written.Message;
    }

    /// <summary>
    /// The HTTP API's post (<c>POST /api/rooms/{room}/messages</c>), decided as a hub send is (<see cref="AllowPostAsync"/>);
    /// an HTTP caller is no connection, so it need not have joined. The body is read (<paramref name="readBody"/>) only
    /// once the caller may post, so a refused caller's body is never buffered. Stored and delivered as a hub send; a
    /// repeated client message id is answered with the message stored first (<see cref="WrittenMessage.Created"/> false).
    /// </summary>
    public async Task<WrittenMessage> PostAsync(
        ChatCaller caller, string? room, Func<CancellationToken, Task<PostMessageRequest>> readBody, CancellationToken cancellationToken)
    {
        await AllowPostAsync(caller, room, out var name, cancellationToken);
        var body = await readBody(cancellationToken);
        var written = await writer.PostAsync(Validated(caller, name, body.Text, body.ClientMessageId), cancellationToken);
        if (written.Created)
        {
            mentions.Notify(written.Message);
        }

        return written;
    }

    /// <summary>
    /// The one rule of a post to a room, whichever door it comes by: a valid room name (<paramref name="name"/>, normalized),
    /// then the room's decision, refused before anything else, as everywhere: forbidden (a private room, a ban), then muted
    /// (<see cref="RoomAuthorization.RequirePostableAsync"/>).
    /// </summary>
    private ValueTask AllowPostAsync(ChatCaller caller, string? room, out string name, CancellationToken cancellationToken)
    {
        name = RoomAccess.RequireValid(room);
        return authorization.RequirePostableAsync(caller, name, cancellationToken);
    }

    // The room's decision had to be read from the store first (a room not cached, or past its age).
    private async Task<ChatMessage> SendWhenAllowedAsync(ValueTask allowed, ChatCaller caller, string name, string? text, string? clientMessageId, CancellationToken cancellationToken)
    {
        await allowed;
        presence.RequireJoined(caller, name);
        return await WriteAsync(Validated(caller, name, text, clientMessageId), cancellationToken);
    }

    private NewChatMessage Validated(ChatCaller caller, string room, string? text, string? clientMessageId) =>
        new(room, caller.UserId, caller.UserName, MessageText.Validate(text, limits.Value.MaxMessageLength), ClientMessageId.Validate(clientMessageId));

    /// <summary>
    /// Started, not awaited (<see cref="FireAndForget"/>): a member that stops reading does not hold up the caller. A muted
    /// user's typing reaches no one, and is not refused (it is no message); one who may not read the room is refused
    /// before <c>not_in_room</c>, as everywhere.
    /// </summary>
    public async Task TypingAsync(ChatCaller caller, string? room, bool isTyping, CancellationToken cancellationToken)
    {
        var name = RoomAccess.RequireValid(room);
        var mayPost = await authorization.RequireReaderMayPostAsync(caller, name, cancellationToken);
        presence.RequireJoined(caller, name);
        if (!mayPost)
        {
            return;
        }

        FireAndForget.Observe(clients.GroupExcept(name, caller.ConnectionId).UserTyping(new TypingEvent(name, caller.UserId, caller.UserName, isTyping)), logger);
    }
}
