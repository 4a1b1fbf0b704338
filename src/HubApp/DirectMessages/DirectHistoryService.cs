using HubApp.Auth;
using HubApp.Contracts;
using HubApp.History;
using HubApp.Presence;
using HubApp.Storage;
using Microsoft.Extensions.Options;

namespace HubApp.DirectMessages;

/// <summary>
/// What a client reads back of its direct messages: one conversation's scroll-back, everything to or from it since an
/// id (after every connect, so that what was sent while it was away is not missed), and its conversations. Sending
/// stays in Messaging. Identity is the caller's: a conversation read is always one the caller is in.
/// </summary>
internal sealed class DirectHistoryService(IDirectMessageStore store, IOptions<HistoryOptions> options)
{
    /// <summary>Most conversations <c>GetConversations</c> returns (fixed by the contract).</summary>
    public const int MaxConversations = 200;

    /// <summary>Most unread messages counted per conversation or room (fixed by the contract).</summary>
    public const int MaxUnread = 1000;

    /// <summary>As GetHistory: the limit clamped to 1–200, before <paramref name="beforeId"/> or the newest.</summary>
    public Task<IReadOnlyList<DirectMessage>> BeforeAsync(ChatCaller caller, string? userId, long? beforeId, int limit, CancellationToken cancellationToken) =>
        store.GetConversationBeforeAsync(caller.UserId, ChatClaims.RequireValidUserId(userId), beforeId ?? long.MaxValue, HistoryOptions.PageSize(limit), cancellationToken);

    /// <summary>With no <paramref name="sinceId"/> the newest <c>History:JoinCount</c>; otherwise the oldest after it, at most <c>History:MaxCatchUp</c>.</summary>
    public async Task<DirectSync> SyncAsync(ChatCaller caller, long? sinceId, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (sinceId is not { } after)
        {
            return new DirectSync(await store.GetDirectLatestAsync(caller.UserId, settings.JoinCount, cancellationToken), Complete: true);
        }

        var (messages, complete) = HistoryService.CatchUpPage(
            await store.GetDirectAfterAsync(caller.UserId, Math.Max(0, after), settings.MaxCatchUp + 1, cancellationToken), settings.MaxCatchUp);
        return new DirectSync(messages, complete);
    }

    /// <summary>
    /// Most recent first. The other user is named as their latest message to the caller named them, else by their id
    /// (a conversation they never wrote in); a note to self by the caller's latest name in it.
    /// </summary>
    public Task<IReadOnlyList<Conversation>> ConversationsAsync(ChatCaller caller, CancellationToken cancellationToken) =>
        store.GetConversationsAsync(caller.UserId, MaxConversations, MaxUnread, cancellationToken);
}
