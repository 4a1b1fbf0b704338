using System.Threading.Channels;

namespace HubApp.Testing;

/// <summary>What a client received from one event: awaited in order with a bound, or all at once.</summary>
public sealed class Inbox<T>
{
    private readonly Channel<T> _queue = Channel.CreateUnbounded<T>();
    private readonly List<T> _all = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<T> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _all];
            }
        }
    }

    /// <summary>The event handler: <c>client.MessageReceived += inbox.Add</c>.</summary>
    public Task Add(T item)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _all.Add(item);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _queue.Writer.TryWrite(item);
        changed.TrySetResult();
        return Task.CompletedTask;
    }

    /// <summary>The next item not yet taken by a NextAsync.</summary>
    public async Task<T> NextAsync(TimeSpan? timeout = null) =>
        await _queue.Reader.ReadAsync().AsTask().WaitAsync(timeout ?? TestTimeouts.Default);

    /// <summary>The next item that matches, skipping others.</summary>
    public async Task<T> NextAsync(Func<T, bool> match, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TestTimeouts.Default);
        while (true)
        {
            var item = await _queue.Reader.ReadAsync(cancellation.Token);
            if (match(item))
            {
                return item;
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> items have arrived in all, and returns them all.</summary>
    public async Task<IReadOnlyList<T>> WaitForCountAsync(int count, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TestTimeouts.Default);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_all.Count >= count)
                {
                    return [.. _all];
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellation.Token);
        }
    }
}
