namespace HubApp.Storage;

/// <summary>
/// Webhooks (docs/integrations.md, "Webhooks") and, per webhook and room, the id of the last entry the receiver took (its
/// cursor) and a lease: whoever holds a (webhook, room) lease is the only sender of that room to that webhook, on any node.
/// Times are the database's clock, so nodes' clocks need not agree.
/// </summary>
/// <remarks>Called concurrently by the admin API and the delivery workers; every method is one statement or transaction.</remarks>
internal interface IWebhookStore
{
    /// <summary>Stores <paramref name="webhook"/> unless <paramref name="maxWebhooks"/> are stored already (false then).</summary>
    Task<bool> AddWebhookAsync(StoredWebhook webhook, int maxWebhooks, CancellationToken cancellationToken);

    /// <summary>Every webhook, oldest first, secrets included (to sign).</summary>
    Task<IReadOnlyList<StoredWebhook>> GetWebhooksAsync(CancellationToken cancellationToken);

    /// <summary>Removes the webhook and its cursors; false when there was none with that id.</summary>
    Task<bool> DeleteWebhookAsync(string id, CancellationToken cancellationToken);

    /// <summary>Each room of the log (direct messages are none) and its latest id.</summary>
    Task<IReadOnlyDictionary<string, long>> GetRoomLatestIdsAsync(CancellationToken cancellationToken);

    /// <summary>Each stored cursor: the last id delivered per (webhook, room); a pair without one starts at 0.</summary>
    Task<IReadOnlyDictionary<(string WebhookId, string Room), long>> GetWebhookCursorsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Takes the (webhook, room) lease for <paramref name="owner"/> for <paramref name="duration"/>, when it is free, expired
    /// or the owner's already; null when another holds it or the webhook is gone.
    /// </summary>
    Task<WebhookLease?> TryLeaseWebhookRoomAsync(string webhookId, string room, string owner, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>
    /// Moves the cursor to <paramref name="lastId"/>, clears the failures and frees the lease, only while
    /// <paramref name="owner"/> holds it; false when another took it meanwhile.
    /// </summary>
    Task<bool> AdvanceWebhookCursorAsync(string webhookId, string room, string owner, long lastId, CancellationToken cancellationToken);

    /// <summary>
    /// After a failed batch: counts the failure and keeps the lease <paramref name="retryAfter"/> more, so that no node
    /// sends before the retry is due (the owner may, and any node once the time has passed).
    /// </summary>
    Task HoldWebhookRoomAsync(string webhookId, string room, string owner, TimeSpan retryAfter, CancellationToken cancellationToken);

    /// <summary>Frees the lease that <paramref name="owner"/> holds, with nothing sent.</summary>
    Task ReleaseWebhookRoomAsync(string webhookId, string room, string owner, CancellationToken cancellationToken);
}

/// <summary>A webhook: <paramref name="Rooms"/> null is every room, those created later too.</summary>
internal sealed record StoredWebhook(string Id, string Url, IReadOnlyList<string>? Rooms, string Secret, DateTime CreatedAt);

/// <summary>A held lease: the cursor and the failures in a row of the batch after it.</summary>
internal sealed record WebhookLease(long LastId, int Failures);
