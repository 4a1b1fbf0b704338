using HubApp.Contracts;
using HubApp.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace HubApp.Testing;

/// <summary>
/// The host's own store, but for the time <see cref="Failing"/> is set: then every call throws
/// <see cref="StoreUnavailableException"/>, as a store that cannot be reached does. Reads and writes alike,
/// which a SQLite write lock cannot give (readers go on in WAL mode). <see cref="HoldAppends"/> holds the writer instead.
/// </summary>
internal sealed class SwitchableStore(IMessageStore inner) : IMessageStore
{
    private volatile bool _failing;
    private volatile HeldAppends? _held;
    private readonly Inbox<int> _appended = new();

    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    /// <summary>Wraps the registered <see cref="IMessageStore"/>: pass as <c>services</c> to <see cref="HubAppHost.StartAsync"/>.</summary>
    public static void Install(IServiceCollection services)
    {
        var original = services.Last(d => d.ServiceType == typeof(IMessageStore));
        var create = original.ImplementationFactory ?? throw new InvalidOperationException("IMessageStore is expected to be registered by a factory.");
        services.Remove(original);
        services.AddSingleton<IMessageStore>(provider => new SwitchableStore((IMessageStore)create(provider)));
    }

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    /// <summary>
    /// The appends from now on wait until <see cref="HeldAppends.Release"/>, the writer's loop with them: what is written
    /// meanwhile queues up and goes in the next batch, whole.
    /// </summary>
    public HeldAppends HoldAppends() => _held = new HeldAppends(this);

    /// <summary>How many room messages each append carried, in order.</summary>
    public IReadOnlyList<int> AppendedMessages => _appended.All;

    public Task<AppendResult> AppendAsync(WriteBatch batch, BeforeCommit? beforeCommit, CancellationToken cancellationToken)
    {
        _appended.Add(batch.Messages.Count);
        return _failing ? Fail<AppendResult>()
            : _held is { } held ? AppendWhenReleasedAsync(held, batch, beforeCommit, cancellationToken)
            : inner.AppendAsync(batch, beforeCommit, cancellationToken);
    }

    internal void Unhold(HeldAppends held) => Interlocked.CompareExchange(ref _held, null, held);

    private async Task<AppendResult> AppendWhenReleasedAsync(HeldAppends held, WriteBatch batch, BeforeCommit? beforeCommit, CancellationToken cancellationToken)
    {
        await held.EnterAsync(batch);
        return await inner.AppendAsync(batch, beforeCommit, cancellationToken);
    }

    public Task<IReadOnlyList<ChatMessage>> GetLatestAsync(string room, int count, CancellationToken cancellationToken) =>
        _failing ? Fail<IReadOnlyList<ChatMessage>>() : inner.GetLatestAsync(room, count, cancellationToken);

    public Task<IReadOnlyList<ChatMessage>> GetAfterAsync(string room, long afterId, int count, CancellationToken cancellationToken) =>
        _failing ? Fail<IReadOnlyList<ChatMessage>>() : inner.GetAfterAsync(room, afterId, count, cancellationToken);

    public Task<IReadOnlyList<ChatMessage>> GetBeforeAsync(string room, long beforeId, int count, CancellationToken cancellationToken) =>
        _failing ? Fail<IReadOnlyList<ChatMessage>>() : inner.GetBeforeAsync(room, beforeId, count, cancellationToken);

    public Task<IReadOnlyList<ChatMessage>> GetThreadAsync(string room, long rootId, long afterId, int count, CancellationToken cancellationToken) =>
        _failing ? Fail<IReadOnlyList<ChatMessage>>() : inner.GetThreadAsync(room, rootId, afterId, count, cancellationToken);

    public Task<IReadOnlyList<ChatMessage>> GetByIdsAsync(string room, IReadOnlyCollection<long> ids, CancellationToken cancellationToken) =>
        _failing ? Fail<IReadOnlyList<ChatMessage>>() : inner.GetByIdsAsync(room, ids, cancellationToken);

    public Task PingAsync(CancellationToken cancellationToken) => _failing ? Fail<bool>() : inner.PingAsync(cancellationToken);

    private static Task<T> Fail<T>() => Task.FromException<T>(new StoreUnavailableException("The test store is down."));
}

/// <summary>See <see cref="SwitchableStore.HoldAppends"/>.</summary>
internal sealed class HeldAppends(SwitchableStore store)
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Inbox<WriteBatch> _entered = new();

    /// <summary>The next batch that reached the store while held.</summary>
    public Task<WriteBatch> NextBatchAsync() => _entered.NextAsync();

    public async Task EnterAsync(WriteBatch batch)
    {
        await _entered.Add(batch);
        await _released.Task;
    }

    public void Release()
    {
        store.Unhold(this);
        _released.TrySetResult();
    }
}
