namespace HubApp.Client.Tests.TestHost;

/// <summary>Records an event's arguments and lets a test await a condition on them.</summary>
public sealed class EventLog<T>
{
    private readonly Lock _gate = new();
    private readonly List<T> _items = [];
    private readonly List<(Func<IReadOnlyList<T>, bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public IReadOnlyList<T> Items
    {
        get
        {
            lock (_gate)
            {
                return [.. _items];
            }
        }
    }

    public Task Handle(T item)
    {
        lock (_gate)
        {
            _items.Add(item);
            foreach (var waiter in _waiters.Where(w => w.Condition(_items)).ToList())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }

        return Task.CompletedTask;
    }

    public Task WaitForAsync(Func<IReadOnlyList<T>, bool> condition)
    {
        lock (_gate)
        {
            if (condition(_items))
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((condition, done));
            return done.Task.WaitAsync(Timeouts.Default);
        }
    }

    public Task WaitForCountAsync(int count) => WaitForAsync(items => items.Count >= count);
}
