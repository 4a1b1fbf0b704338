using HubApp.Contracts;
using HubApp.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace HubApp.Testing;

/// <summary>
/// The host's own store, but for the time <see cref="Failing"/> is set: then every call throws
/// <see cref="StoreUnavailableException"/>, as a store that cannot be reached does. Reads and writes alike,
/// which a SQLite write lock cannot give (readers go on in WAL mode).
/// </summary>
internal sealed class SwitchableStore(IMessageStore inner) : IMessageStore
{
    private volatile bool _failing;

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

    public Task<AppendResult> AppendAsync(WriteBatch batch, BeforeCommit? beforeCommit, CancellationToken cancellationToken) =>
        _failing ? Fail<AppendResult>() : inner.AppendAsync(batch, beforeCommit, cancellationToken);

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
