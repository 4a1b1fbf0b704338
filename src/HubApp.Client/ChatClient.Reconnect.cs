using HubApp.Client.Internal;
using HubApp.Contracts;
using Microsoft.AspNetCore.SignalR.Client;

namespace HubApp.Client;

// Our own reconnect loop. SignalR's WithAutomaticReconnect is not used: it does not reconnect after a
// close without allowReconnect, which is how the server ends a connection whose token expired.
public sealed partial class ChatClient
{
    // A bound on the JoinRoom pages of one room's catch-up (500 messages each by default).
    private const int MaxCatchUpPages = 1000;

    /// <summary>The connection was lost and the client is reconnecting; invocations fail until <see cref="Reconnected"/>.</summary>
    public event Func<Exception?, Task>? Reconnecting;

    /// <summary>Connected again, after the rooms were rejoined and their missed messages raised.</summary>
    public event Func<Task>? Reconnected;

    /// <summary>Final: stopped by the app (null), or the connection was lost and not re-established.</summary>
    public event Func<Exception?, Task>? Closed;

    // Runs on a SignalR task after any close, including the ones StopAsync and the reconnect loop cause:
    // only the loss of a connection the client believes Connected starts a reconnect.
    private Task OnHubClosedAsync(Exception? error)
    {
        lock (_gate)
        {
            if (_state != ChatConnectionState.Connected || _hub.State != HubConnectionState.Disconnected)
            {
                return Task.CompletedTask;
            }

            Log.ConnectionLost(_logger, error);
            if (!_options.AutoReconnect || _disposed)
            {
                _state = ChatConnectionState.Disconnected;
                _events.Raise(Closed, error, nameof(Closed));
                return Task.CompletedTask;
            }

            _state = ChatConnectionState.Reconnecting;
            _events.Raise(Reconnecting, error, nameof(Reconnecting));
            var cts = new CancellationTokenSource();
            _reconnectCts = cts;
            _reconnectLoop = Task.Run(() => ReconnectLoopAsync(error, cts.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    // Ends in one of three ways: connected (raises Reconnected), out of attempts (raises Closed), or
    // cancelled by StopAsync, which then owns the state and raises Closed itself.
    private async Task ReconnectLoopAsync(Exception? error, CancellationToken ct)
    {
        var lastError = error;
        for (var attempt = 1; attempt <= _options.MaxReconnectAttempts; attempt++)
        {
            try
            {
                await Task.Delay(_options.ReconnectDelays[Math.Min(attempt - 1, _options.ReconnectDelays.Count - 1)], ct).ConfigureAwait(false);
                Log.ReconnectAttempt(_logger, attempt);
                await _hub.StartAsync(ct).ConfigureAwait(false);
                await RejoinRoomsAsync(ct).ConfigureAwait(false);
                lock (_gate)
                {
                    if (_state != ChatConnectionState.Reconnecting || ct.IsCancellationRequested)
                    {
                        return;
                    }

                    // A close during the rejoin was ignored by OnHubClosedAsync (we were Reconnecting): look again.
                    if (_hub.State == HubConnectionState.Connected)
                    {
                        _state = ChatConnectionState.Connected;
                        Log.Reconnected(_logger, attempt);
                        _events.Raise(Reconnected, nameof(Reconnected));
                        return;
                    }
                }

                lastError = new InvalidOperationException("The connection closed again while the rooms were being rejoined.");
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                lastError = ex;
                Log.ReconnectAttemptFailed(_logger, attempt, ex);
            }

            await StopHubQuietlyAsync().ConfigureAwait(false);
        }

        lock (_gate)
        {
            if (_state != ChatConnectionState.Reconnecting || ct.IsCancellationRequested)
            {
                return;
            }

            Log.ReconnectGaveUp(_logger, _options.MaxReconnectAttempts, lastError);
            _state = ChatConnectionState.Disconnected;
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
            long sinceId;
            lock (_gate)
            {
                tracker.BeginCatchUp();
                sinceId = tracker.LastSeen;
            }

            try
            {
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
                        break;
                    }

                    sinceId = lastSeen;
                }

                lock (_gate)
                {
                    Deliver(tracker.EndCatchUp());
                }
            }
            catch (ChatException ex) when (!IsTransient(ex.Code))
            {
                Log.RejoinRefused(_logger, room, ex.Code, ex);
                lock (_gate)
                {
                    tracker.FailJoin();
                    tracker.Leave();
                    ForgetIfIdle(room, tracker);
                }
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

    private static bool IsTransient(string code) => code is ErrorCodes.Unavailable or ErrorCodes.RateLimited;

    private async Task StopHubQuietlyAsync()
    {
        try
        {
            await _hub.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The connection is being replaced; a failure to close it changes nothing.
            Log.StopFailed(_logger, ex);
        }
    }
}
