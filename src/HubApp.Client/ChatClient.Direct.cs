using HubApp.Client.Internal;
using HubApp.Contracts;

namespace HubApp.Client;

// Direct messages and read markers. After every connect and reconnect the client asks SyncDirectMessages for what came
// after the highest direct message id it raised (the latest History:JoinCount for a client that has raised none), page
// after page, and raises each one the app has not seen: DirectMessageReceived is raised once per id, whether it came
// live, from a sync, or both. The highest id is kept across StopAsync/StartAsync of one ChatClient.
public sealed partial class ChatClient
{
    // Guarded by _gate.
    private readonly DirectTracker _direct = new();

    /// <summary>A direct message to or from this user that the app has not seen yet; never raised twice for one id.</summary>
    public event Func<DirectMessage, Task>? DirectMessageReceived;

    /// <summary>The user's read marker moved on another of their connections (<see cref="ReadMarker.Room"/> or <see cref="ReadMarker.UserId"/> is set).</summary>
    public event Func<ReadMarker, Task>? ReadMarkerMoved;

    /// <summary>The highest direct message id raised through <see cref="DirectMessageReceived"/>; null for none yet.</summary>
    public long? LastDirectMessageId
    {
        get
        {
            lock (_gate)
            {
                return _direct.Highest;
            }
        }
    }

    /// <summary>The conversation with <paramref name="userId"/>: the <paramref name="limit"/> (1–200) messages before <paramref name="beforeId"/>, ascending. Not raised as events.</summary>
    public async Task<IReadOnlyList<DirectMessage>> GetDirectHistoryAsync(string userId, long? beforeId, int limit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        EnsureConnected();
        return await InvokeCoreAsync<DirectMessage[]>(HubMethods.GetDirectHistory, [userId, beforeId, limit], ct).ConfigureAwait(false);
    }

    /// <summary>One SyncDirectMessages invocation, returned as is and not raised as events (the client syncs by itself after each connect).</summary>
    public Task<DirectSync> SyncDirectMessagesAsync(long? sinceId, CancellationToken ct = default)
    {
        EnsureConnected();
        return InvokeCoreAsync<DirectSync>(HubMethods.SyncDirectMessages, [sinceId], ct);
    }

    /// <summary>The user's direct conversations, most recent first, each with its last message and unread count.</summary>
    public async Task<IReadOnlyList<Conversation>> GetConversationsAsync(CancellationToken ct = default)
    {
        EnsureConnected();
        return await InvokeCoreAsync<Conversation[]>(HubMethods.GetConversations, [], ct).ConfigureAwait(false);
    }

    /// <summary>Moves the user's read marker in <paramref name="room"/> forward to <paramref name="messageId"/> (it never moves back).</summary>
    public Task MarkReadAsync(string room, long messageId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        EnsureConnected();
        return InvokeCoreAsync(HubMethods.MarkRead, [room, messageId], ct);
    }

    /// <summary>Moves the user's read marker in the conversation with <paramref name="userId"/> forward to <paramref name="messageId"/>.</summary>
    public Task MarkDirectReadAsync(string userId, long messageId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        EnsureConnected();
        return InvokeCoreAsync(HubMethods.MarkDirectRead, [userId, messageId], ct);
    }

    private void OnDirectMessageReceived(DirectMessage message)
    {
        lock (_gate)
        {
            DeliverDirect(_direct.Live(message));
        }
    }

    // Call under _gate.
    private void DeliverDirect(IReadOnlyList<DirectMessage> messages)
    {
        foreach (var message in messages)
        {
            _events.Raise(DirectMessageReceived, message, nameof(DirectMessageReceived));
        }
    }

    // After StartAsync, which has returned: a connection closed at once (refused at connect, say) must still end in
    // Closed, not in a failed StartAsync, so nothing here fails the start. A transient refusal is tried again while
    // connected; a lost connection is left to the reconnect, which syncs again.
    private async Task SyncDirectAfterStartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await SyncDirectOnConnectAsync(CancellationToken.None).ConfigureAwait(false);
                return;
            }
            catch (Exception ex)
            {
                Log.DirectSyncFailed(_logger, ex);
                if (State != ChatConnectionState.Connected || attempt > _options.MaxReconnectAttempts
                    || ex is not ChatException { Code: ErrorCodes.Unavailable or ErrorCodes.RateLimited })
                {
                    return;
                }
            }

            await Task.Delay(_policy.Delay(attempt)).ConfigureAwait(false);
        }
    }

    // A refusal is logged and the connect goes on: the rooms work without it, and the next reconnect syncs again.
    // Anything else (the connection went, a transient refusal) fails the connect or the reconnect attempt.
    private async Task SyncDirectOnConnectAsync(CancellationToken ct)
    {
        try
        {
            await SyncDirectAsync(ct).ConfigureAwait(false);
        }
        catch (ChatException ex) when (!IsTransient(ex.Code))
        {
            Log.DirectSyncRefused(_logger, ex.Code, ex);
        }
    }

    // Raises what SyncDirectMessages has after the highest id raised, page after page.
    private async Task SyncDirectAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            _direct.BeginSync();
        }

        try
        {
            for (var page = 0; page < MaxCatchUpPages; page++)
            {
                long? sinceId;
                lock (_gate)
                {
                    sinceId = _direct.Highest;
                }

                var sync = await InvokeCoreAsync<DirectSync>(HubMethods.SyncDirectMessages, [sinceId], ct).ConfigureAwait(false);
                long? highest;
                lock (_gate)
                {
                    DeliverDirect(_direct.Synced(sync));
                    highest = _direct.Highest;
                }

                if (sync.Complete || highest == sinceId)
                {
                    return;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                DeliverDirect(_direct.EndSync());
            }
        }
    }
}
