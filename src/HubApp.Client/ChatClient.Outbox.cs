using HubApp.Contracts;

namespace HubApp.Client;

// The outbox: SendMessageAsync and SendDirectMessageAsync (and, contract v3, PostAsync, PostDirectAsync, the reactions
// and the direct-message edits and deletes) give each message one clientMessageId and post it until the server has
// stored it. The contract makes that safe: a repeat of PostMessage (Post) with the same id returns the entry stored
// the first time and stores nothing new, so an acknowledgement lost with its connection costs a retry, never a double.
// A reaction or a delete needs no id for that: repeated, it changes nothing. An edit would be stored twice, so it is
// the one send that a lost connection fails instead (see OutboxSend.SafeToRepeat).
//
// What is retried: a connection lost before the answer (after the reconnect and rejoin, so the room is joined
// again), `rate_limited` (after RateLimitedRetryDelay) and `unavailable` (after UnavailableRetryDelays). Any
// other refusal fails the send at once: retrying cannot fix it. A send ends when stored, refused, cancelled by the
// caller's token, when the client stops (StopAsync, DisposeAsync, reconnecting gave up), or when its connection was
// lost under it MaxInterruptedSendAttempts times in a row (a message the server cannot read closes it every time).
//
// Order: sends to one room (or one user) run one after another, in the order they were made, so they are stored
// in that order; sends to different rooms do not wait for each other. Each send holds a slot of the
// conversation's chain (_sendTails) that is released only after the slot before it, so a cancelled send never
// lets the next one overtake an earlier one still being retried.
public sealed partial class ChatClient
{
    // Guarded by _gate. Per conversation ("room:lobby", "dm:bob"): completes once every send made so far has ended.
    private readonly Dictionary<string, Task> _sendTails = new(StringComparer.Ordinal);
    private int _pendingSends;

    // Guarded by _gate. Completed, and replaced, whenever State changes.
    private TaskCompletionSource _stateChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Sends still waiting to be stored (at most <see cref="ChatClientOptions.MaxPendingSends"/>).</summary>
    public int PendingSends
    {
        get
        {
            lock (_gate)
            {
                return _pendingSends;
            }
        }
    }

    /// <summary>
    /// Sends a message and returns it once stored (it is also raised through <see cref="MessageReceived"/>). It carries a
    /// fresh clientMessageId and is posted again with that id after a lost connection, a <c>rate_limited</c> or an
    /// <c>unavailable</c>, so it is stored exactly once. May be called while <see cref="ChatConnectionState.Reconnecting"/>:
    /// it waits for the reconnect. Sends to one room are stored in the order they were made.
    /// </summary>
    /// <exception cref="ChatException">A refusal that retrying cannot fix (<c>not_in_room</c>, <c>message_too_long</c>, …).</exception>
    /// <exception cref="ChatOutboxFullException"><see cref="ChatClientOptions.MaxPendingSends"/> sends are already pending.</exception>
    /// <exception cref="InvalidOperationException">The client is not started, or stopped before the message was stored.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled; the message may or may not have been stored.</exception>
    public Task<ChatMessage> SendMessageAsync(string room, string text, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(text);
        var id = NewClientMessageId();
        return EnqueueSend<ChatMessage>(new OutboxSend(RoomChain(room), HubMethods.PostMessage, [room, text, id], id), ct);
    }

    /// <summary>As <see cref="SendMessageAsync"/>, for a direct message to <paramref name="userId"/>.</summary>
    public Task<DirectMessage> SendDirectMessageAsync(string userId, string text, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(text);
        var id = NewClientMessageId();
        return EnqueueSend<DirectMessage>(new OutboxSend(DirectChain(userId), HubMethods.PostDirectMessage, [userId, text, id], id), ct);
    }

    // 32 hex digits: within the contract's 1-64 letters, digits, '_' and '-'.
    private static string NewClientMessageId() => Guid.NewGuid().ToString("N");

    // The chains sends wait in: one per room, one per direct conversation.
    private static string RoomChain(string room) => "room:" + RoomKey(room);

    private static string DirectChain(string userId) => "dm:" + userId;

    // Call under _gate.
    private void SetState(ChatConnectionState state)
    {
        if (_state == state)
        {
            return;
        }

        _state = state;
        var changed = _stateChanged;
        _stateChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private Task<T> EnqueueSend<T>(OutboxSend send, CancellationToken ct)
    {
        var conversation = send.Chain;
        var slot = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task previous;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_state == ChatConnectionState.Disconnected)
            {
                throw new InvalidOperationException("The chat client is Disconnected: start it before sending.");
            }

            if (_pendingSends >= _options.MaxPendingSends)
            {
                throw new ChatOutboxFullException(
                    $"The outbox is full: {_pendingSends} sends are already waiting to be stored ({nameof(ChatClientOptions)}.{nameof(ChatClientOptions.MaxPendingSends)}). Nothing was sent.");
            }

            _pendingSends++;
            previous = _sendTails.GetValueOrDefault(conversation) ?? Task.CompletedTask;
            _sendTails[conversation] = slot.Task;
        }

        return RunSendAsync<T>(send, previous, slot, ct);
    }

    private async Task<T> RunSendAsync<T>(OutboxSend send, Task previous, TaskCompletionSource slot, CancellationToken ct)
    {
        var conversation = send.Chain;
        try
        {
            // Slots never fault; only the caller's token ends this wait early.
            await previous.WaitAsync(ct).ConfigureAwait(false);
            return await PostUntilStoredAsync<T>(send, ct).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _pendingSends--;
            }

            // The next send of the conversation starts only after every earlier one has ended.
            _ = previous.ContinueWith(
                _ =>
                {
                    lock (_gate)
                    {
                        if (_sendTails.GetValueOrDefault(conversation) == slot.Task)
                        {
                            _sendTails.Remove(conversation);
                        }
                    }

                    slot.TrySetResult();
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task<T> PostUntilStoredAsync<T>(OutboxSend send, CancellationToken ct)
    {
        var (method, args, label) = (send.Method, send.Args, send.Label);
        var unavailable = 0;
        var lost = 0;
        while (true)
        {
            await WaitUntilConnectedAsync(ct).ConfigureAwait(false);
            try
            {
                return await InvokeCoreAsync<T>(method, args, ct).ConfigureAwait(false);
            }
            catch (ChatException ex) when (ex.Code == ErrorCodes.RateLimited)
            {
                Log.SendPaced(_logger, method, label);
                await Task.Delay(_options.RateLimitedRetryDelay, ct).ConfigureAwait(false);
            }
            catch (ChatException ex) when (ex.Code == ErrorCodes.Unavailable)
            {
                var delays = _options.UnavailableRetryDelays;
                var delay = delays[Math.Min(unavailable++, delays.Count - 1)];
                Log.SendRetryingUnavailable(_logger, method, label, delay);
                await Task.Delay(delay, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not ChatException && !ct.IsCancellationRequested)
            {
                // The connection went away with the send in flight (or just before it): the message may be stored.
                // Wait for the client to notice (Reconnecting, then Connected after the rejoin) and post it again.
                Log.SendInterrupted(_logger, method, label, ex);
                if (!send.SafeToRepeat)
                {
                    throw new InvalidOperationException(
                        $"The connection went before the server answered {method}, which is not repeated: it may or may not have been done.", ex);
                }

                if (lost + 1 >= _options.MaxInterruptedSendAttempts)
                {
                    throw new InvalidOperationException(
                        $"The connection closed each of the {_options.MaxInterruptedSendAttempts} times this message was sent (the server closes it for a message over its size limit, for one); it may or may not have been stored.",
                        ex);
                }

                await WaitForStateChangeAsync(TimeSpan.FromMilliseconds(Math.Min(50 << Math.Min(lost++, 5), 1000)), ct).ConfigureAwait(false);
                ThrowIfStopped(ex);
            }
        }
    }

    // Returns once Connected; waits while Connecting or Reconnecting; throws once Disconnected.
    private async Task WaitUntilConnectedAsync(CancellationToken ct)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_state == ChatConnectionState.Connected)
                {
                    return;
                }

                ThrowIfStopped(null);
                changed = _stateChanged.Task;
            }

            await changed.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task WaitForStateChangeAsync(TimeSpan atMost, CancellationToken ct)
    {
        Task changed;
        lock (_gate)
        {
            changed = _stateChanged.Task;
        }

        await Task.WhenAny(changed, Task.Delay(atMost, ct)).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// One send of the outbox: the chain it waits in, the invocation, what the log calls it (its clientMessageId, or the
    /// action), and whether it may be posted again after a lost connection, which holds when a repeat changes nothing
    /// (a clientMessageId, a reaction already there, a delete already done). Refusals as <c>rate_limited</c> and
    /// <c>unavailable</c> stored nothing, so those are retried for every send.
    /// </summary>
    private sealed record OutboxSend(string Chain, string Method, object?[] Args, string Label, bool SafeToRepeat = true);

    private void ThrowIfStopped(Exception? cause)
    {
        lock (_gate)
        {
            if (_state == ChatConnectionState.Disconnected || _disposed)
            {
                throw new InvalidOperationException(
                    "The chat client stopped before the message was confirmed stored (stopped by the app, or reconnecting gave up); it may or may not have been stored.",
                    cause);
            }
        }
    }
}
