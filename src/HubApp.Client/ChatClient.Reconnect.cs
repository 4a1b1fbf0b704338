using HubApp.Client.Internal;
using HubApp.Contracts;
using Microsoft.AspNetCore.SignalR.Client;

namespace HubApp.Client;

// Reconnects in three layers. SignalR's stateful reconnect bridges a short drop inside the transport: the
// same connection, unacknowledged messages resent both ways, nothing for us to do (HubConnection raises no
// event). When the connection itself is gone (host restart, another node, a drop too long), SignalR's
// WithAutomaticReconnect makes a new one, paced by ReconnectPolicy. On top, ours: after every new connection
// the rooms are rejoined from their last seen ids and direct messages synced (RecoverAsync); State stays
// Reconnecting until then, so the outbox's sends wait for it. WithAutomaticReconnect does not reconnect
// after a close message without allowReconnect (a server may end a connection whose token expired that way;
// HubApp's host, with stateful reconnect, is seen here as an ordinary loss instead): from that Closed,
// RecoverAsync restarts the HubConnection itself, with the same delays and a fresh token.
public sealed partial class ChatClient
{
    // A bound on the JoinRoom pages of one room's catch-up (500 messages each by default).
    private const int MaxCatchUpPages = 1000;

    // Guarded by _gate. Completed, and replaced, whenever HubConnection reconnects or closes.
    private TaskCompletionSource _hubChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The connection was lost and the client is reconnecting; invocations fail until <see cref="Reconnected"/>.</summary>
    /// <remarks>Not raised for a drop that stateful reconnect bridges: that connection was never lost.</remarks>
    public event Func<Exception?, Task>? Reconnecting;

    /// <summary>Connected again, after the rooms were rejoined and their missed messages raised, and direct messages synced.</summary>
    public event Func<Task>? Reconnected;

    /// <summary>Final: stopped by the app (null), or the connection was lost and not re-established.</summary>
    public event Func<Exception?, Task>? Closed;

    // HubConnection lost its connection and runs its reconnect loop.
    private Task OnHubReconnectingAsync(Exception? error)
    {
        lock (_gate)
        {
            // When already Reconnecting, a new connection was lost during its rejoin: RecoverAsync waits for the next.
            if (_state == ChatConnectionState.Connected)
            {
                BeginRecovery(error);
            }
        }

        return Task.CompletedTask;
    }

    private Task OnHubReconnectedAsync(string? connectionId)
    {
        PulseHubChanged();
        return Task.CompletedTask;
    }

    // Runs on a SignalR task after any close, including the ones StopAsync and RecoverAsync cause: only the
    // loss of a connection the client believes Connected starts a recovery.
    private Task OnHubClosedAsync(Exception? error)
    {
        lock (_gate)
        {
            if (_state == ChatConnectionState.Connected && _hub.State == HubConnectionState.Disconnected)
            {
                // Refused at connect (the user holds too many connections, on any node): trying again would be
                // refused again, each attempt costing the server a connection.
                if (!_options.AutoReconnect || _disposed || IsRefusal(error))
                {
                    Log.ConnectionLost(_logger, error);
                    SetState(ChatConnectionState.Disconnected);
                    _events.Raise(Closed, error, nameof(Closed));
                }
                else
                {
                    BeginRecovery(error);
                }
            }
        }

        PulseHubChanged();
        return Task.CompletedTask;
    }

    // Call under _gate.
    private void BeginRecovery(Exception? error)
    {
        Log.ConnectionLost(_logger, error);
        SetState(ChatConnectionState.Reconnecting);
        _events.Raise(Reconnecting, error, nameof(Reconnecting));
        var cts = new CancellationTokenSource();
        _reconnectCts = cts;
        // Direct messages that arrive live on the new connection are held until the recovery has synced: raised at once,
        // they would move LastDirectMessageId past the ones stored while the client was away, and the sync (which asks
        // for what came after it) would never find those. RecoverAsync releases them however it ends.
        _direct.BeginSync();
        _reconnectLoop = Task.Run(() => RecoverThenReleaseDirectAsync(error, cts.Token), CancellationToken.None);
    }

    private async Task RecoverThenReleaseDirectAsync(Exception? error, CancellationToken ct)
    {
        try
        {
            await RecoverAsync(error, ct).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                DeliverDirect(_direct.EndSync());
            }
        }
    }

    private void PulseHubChanged()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _hubChanged;
            _hubChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    // One outage, from a lost connection to Reconnected or Closed. While SignalR reconnects, this waits; once
    // connected, it rejoins; when SignalR has closed for good, it either gives up (SignalR's attempts ran out)
    // or starts the connection again itself. Ends in one of three ways: connected (raises Reconnected), out of
    // attempts (raises Closed), or cancelled by StopAsync, which then owns the state and raises Closed itself.
    // `attempt` counts our own tries: restarts, and rejoins that did not finish.
    private async Task RecoverAsync(Exception? error, CancellationToken ct)
    {
        var lastError = error;
        var attempt = 0;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _hubChanged.Task;
            }

            try
            {
                switch (_hub.State)
                {
                    case HubConnectionState.Connecting or HubConnectionState.Reconnecting:
                        await changed.WaitAsync(ct).ConfigureAwait(false);
                        continue;

                    case HubConnectionState.Disconnected when _policy.Exhausted:
                        GiveUp(_policy.LastError ?? lastError, _options.MaxReconnectAttempts, ct);
                        return;

                    case HubConnectionState.Disconnected:
                        if (++attempt > _options.MaxReconnectAttempts)
                        {
                            GiveUp(lastError, attempt - 1, ct);
                            return;
                        }

                        await Task.Delay(_policy.Delay(attempt), ct).ConfigureAwait(false);
                        Log.ReconnectAttempt(_logger, attempt);
                        await _hub.StartAsync(ct).ConfigureAwait(false);
                        continue;
                }

                await RejoinRoomsAsync(ct).ConfigureAwait(false);
                await SyncDirectOnConnectAsync(ct).ConfigureAwait(false);
                if (TryFinishRecovery(ct))
                {
                    return;
                }

                // The connection was lost again during the rejoin; the next turn sees what SignalR does about it.
                lastError = new InvalidOperationException("The connection closed again while the rooms were being rejoined.");
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                lastError = ex;
                Log.ReconnectAttemptFailed(_logger, Math.Max(attempt, 1), ex);
                if (_hub.State != HubConnectionState.Connected)
                {
                    continue;
                }

                // Connected, but a rejoin was refused for now ("unavailable", "rate_limited"): retry it, paced.
                if (++attempt > _options.MaxReconnectAttempts)
                {
                    await StopHubQuietlyAsync().ConfigureAwait(false);
                    GiveUp(lastError, attempt - 1, ct);
                    return;
                }

                try
                {
                    await Task.Delay(_policy.Delay(attempt), ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    private bool TryFinishRecovery(CancellationToken ct)
    {
        lock (_gate)
        {
            if (_state != ChatConnectionState.Reconnecting || ct.IsCancellationRequested)
            {
                return true;
            }

            // A close during the rejoin was ignored by OnHubClosedAsync (we were Reconnecting): look again.
            if (_hub.State != HubConnectionState.Connected)
            {
                return false;
            }

            SetState(ChatConnectionState.Connected);
            _policy.Reset();
            Log.Reconnected(_logger, _hub.ConnectionId);
            _events.Raise(Reconnected, nameof(Reconnected));
            return true;
        }
    }

    private void GiveUp(Exception? lastError, int attempts, CancellationToken ct)
    {
        lock (_gate)
        {
            if (_state != ChatConnectionState.Reconnecting || ct.IsCancellationRequested)
            {
                return;
            }

            Log.ReconnectGaveUp(_logger, attempts, lastError);
            SetState(ChatConnectionState.Disconnected);
            _events.Raise(Closed, lastError, nameof(Closed));
        }
    }

    // Joins every tracked room again from its last seen id, page after page, raising what was missed.
    // A room the server now refuses (ChatException) is dropped; any other failure, a transient refusal
    // included ("unavailable": the store is down for now), fails the attempt, which is then retried.
    private async Task RejoinRoomsAsync(CancellationToken ct)
    {
        List<KeyValuePair<string, RoomTracker>> rooms;
        lock (_gate)
        {
            rooms = [.. _rooms.Where(r => r.Value.Joined)];
        }

        foreach (var (room, tracker) in rooms)
        {
            lock (_gate)
            {
                tracker.BeginCatchUp();
            }

            try
            {
                await CatchUpAsync(room, tracker, ct).ConfigureAwait(false);
                lock (_gate)
                {
                    Deliver(tracker.EndCatchUp());
                    RepairIfNeeded(room, tracker);
                }
            }
            catch (ChatException ex) when (!IsTransient(ex.Code))
            {
                DropRefusedRoom(room, tracker, ex);
            }
            catch
            {
                lock (_gate)
                {
                    Deliver(tracker.FailJoin());
                }

                throw;
            }
        }
    }

    // After tracker.BeginCatchUp(): JoinRoom from the last id seen, page after page, raising what the app has not seen.
    private async Task CatchUpAsync(string room, RoomTracker tracker, CancellationToken ct)
    {
        long sinceId;
        lock (_gate)
        {
            sinceId = tracker.LastSeen;
        }

        for (var page = 0; page < MaxCatchUpPages; page++)
        {
            var snapshot = await InvokeCoreAsync<RoomSnapshot>(HubMethods.JoinRoom, [room, sinceId], ct).ConfigureAwait(false);
            long lastSeen;
            lock (_gate)
            {
                Deliver(tracker.CatchUp(snapshot));
                lastSeen = tracker.LastSeen;
            }

            // No progress on an incomplete page would loop forever.
            if (snapshot.Complete || lastSeen == sinceId)
            {
                return;
            }

            sinceId = lastSeen;
        }
    }

    // The server now refuses the room (banned, made private): it is no longer tracked.
    private void DropRefusedRoom(string room, RoomTracker tracker, ChatException ex)
    {
        Log.RejoinRefused(_logger, room, ex.Code, ex);
        lock (_gate)
        {
            tracker.FailJoin();
            tracker.Leave();
            ForgetIfIdle(room, tracker);
        }
    }

    private static bool IsTransient(string code) => code is ErrorCodes.Unavailable or ErrorCodes.RateLimited;

    private static bool IsRefusal(Exception? error) => error is not null && ErrorCodes.Find(error.Message) == ErrorCodes.TooManyConnections;

    private async Task StopHubQuietlyAsync()
    {
        try
        {
            await _hub.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The connection is being given up; a failure to close it changes nothing.
            Log.StopFailed(_logger, ex);
        }
    }
}
