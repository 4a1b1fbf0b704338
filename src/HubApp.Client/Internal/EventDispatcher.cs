using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace HubApp.Client.Internal;

/// <summary>
/// Runs the app's event handlers one at a time, in the order they were queued, on a task of its own.
/// Handlers must not run on HubConnection's receive loop: one that awaited an invocation there would
/// wait forever for a result that loop has to read. The queue is unbounded so that queuing never
/// blocks the receive loop; a handler slower than the server's traffic lets it grow.
/// </summary>
internal sealed partial class EventDispatcher
{
    private readonly Channel<Func<Task>> _queue = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly AsyncLocal<bool> _inHandler = new();
    private readonly ILogger _logger;
    private readonly Task _running;

    public EventDispatcher(ILogger logger)
    {
        _logger = logger;
        _running = Task.Run(RunAsync);
    }

    /// <summary>True inside a handler: awaiting <see cref="DrainAsync"/> there would wait for itself.</summary>
    public bool InHandler => _inHandler.Value;

    /// <summary>Queues a call of every handler of <paramref name="handlers"/> with <paramref name="argument"/>.</summary>
    public void Raise<T>(Func<T, Task>? handlers, T argument, string eventName)
    {
        if (handlers is not null)
        {
            _queue.Writer.TryWrite(() => InvokeEachAsync(handlers.GetInvocationList(), d => ((Func<T, Task>)d)(argument), eventName));
        }
    }

    public void Raise(Func<Task>? handlers, string eventName)
    {
        if (handlers is not null)
        {
            _queue.Writer.TryWrite(() => InvokeEachAsync(handlers.GetInvocationList(), d => ((Func<Task>)d)(), eventName));
        }
    }

    /// <summary>Stops taking events and waits for the queued ones to run.</summary>
    public Task DrainAsync()
    {
        _queue.Writer.TryComplete();
        return _running;
    }

    private async Task RunAsync()
    {
        _inHandler.Value = true;
        await foreach (var work in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            await work().ConfigureAwait(false);
        }
    }

    // Each handler runs even when an earlier one throws: one subscriber must not starve the others.
    private async Task InvokeEachAsync(Delegate[] handlers, Func<Delegate, Task> invoke, string eventName)
    {
        foreach (var handler in handlers)
        {
            try
            {
                await invoke(handler).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.HandlerFailed(_logger, eventName, ex);
            }
        }
    }
}
