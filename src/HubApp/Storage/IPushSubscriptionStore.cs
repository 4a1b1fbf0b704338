namespace HubApp.Storage;

/// <summary>
/// Web Push subscriptions, per user, and the cluster's one VAPID key pair when the store is shared (docs/protocol.md,
/// "Push notifications"). An endpoint belongs to one user at a time: the browser that made it was signed in as them last.
/// </summary>
/// <remarks>Called concurrently; a store that cannot answer throws <see cref="StoreUnavailableException"/>.</remarks>
public interface IPushSubscriptionStore
{
    /// <summary>Stores (or, for an endpoint already stored, replaces and makes newest) the subscription; then keeps the user's newest <paramref name="maxPerUser"/>.</summary>
    Task SaveAsync(PushSubscriptionRecord subscription, int maxPerUser, CancellationToken cancellationToken);

    /// <summary>Removes the user's subscription of <paramref name="endpoint"/>; false when the user had none.</summary>
    Task<bool> RemoveAsync(string userId, string endpoint, CancellationToken cancellationToken);

    /// <summary>Removes <paramref name="endpoint"/> whoever holds it (the push service said it is gone).</summary>
    Task RemoveEndpointAsync(string endpoint, CancellationToken cancellationToken);

    /// <summary>The user's subscriptions, newest first.</summary>
    Task<IReadOnlyList<PushSubscriptionRecord>> ListAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// The stored VAPID key pair, storing <paramref name="candidate"/> first when there is none: every node that asks gets
    /// the one pair the first stored.
    /// </summary>
    Task<VapidKeyPair> GetOrAddVapidKeysAsync(VapidKeyPair candidate, CancellationToken cancellationToken);
}

/// <summary>A browser's push subscription: its endpoint and keys (base64url) as the browser gave them.</summary>
public sealed record PushSubscriptionRecord(string UserId, string Endpoint, string P256dh, string Auth);

/// <summary>A VAPID key pair: the uncompressed P-256 public point and the private scalar, base64url.</summary>
public sealed record VapidKeyPair(string PublicKey, string PrivateKey);
