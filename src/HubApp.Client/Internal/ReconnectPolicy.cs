using Microsoft.AspNetCore.SignalR.Client;

namespace HubApp.Client.Internal;

/// <summary>
/// <see cref="ChatClientOptions.ReconnectDelays"/> and <see cref="ChatClientOptions.MaxReconnectAttempts"/> as
/// SignalR's retry policy, for <c>WithAutomaticReconnect</c>. It remembers whether its last outage ran out of
/// attempts, and the last attempt's error, so that the Closed that follows can tell giving up from a close
/// SignalR does not reconnect from. Called by HubConnection's reconnect loop, one outage at a time.
/// </summary>
internal sealed class ReconnectPolicy(IReadOnlyList<TimeSpan> delays, int maxAttempts) : IRetryPolicy
{
    private volatile bool _exhausted;
    private volatile Exception? _lastError;

    /// <summary>The last outage ended because every attempt failed.</summary>
    public bool Exhausted => _exhausted;

    /// <summary>Why the last attempt of the last outage failed (or the connection was lost, before any attempt).</summary>
    public Exception? LastError => _lastError;

    /// <summary>Forgets the last outage: a new start, or an outage that ended connected.</summary>
    public void Reset()
    {
        _exhausted = false;
        _lastError = null;
    }

    /// <summary>The wait before attempt <paramref name="attempt"/> (1-based); the last delay repeats.</summary>
    public TimeSpan Delay(int attempt) => delays[Math.Min(attempt - 1, delays.Count - 1)];

    public TimeSpan? NextRetryDelay(RetryContext retryContext)
    {
        _lastError = retryContext.RetryReason;
        if (retryContext.PreviousRetryCount >= maxAttempts)
        {
            _exhausted = true;
            return null;
        }

        _exhausted = false;
        return Delay((int)retryContext.PreviousRetryCount + 1);
    }
}
