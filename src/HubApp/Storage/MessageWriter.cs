using System.Threading.Channels;
using HubApp.Contracts;
using HubApp.Telemetry;
using Microsoft.Extensions.Options;

namespace HubApp.Storage;

/// <summary>
/// The one writer of history: batches what many connections send into one transaction (group commit),
/// handing it to delivery inside the transaction and after the commit (<see cref="IMessageDelivery"/>, in id
/// order), then completes each sender's task. So an acknowledged message is always stored, a failed batch is
/// neither stored nor delivered, and every connection sees a room's messages in id order.
/// </summary>
/// <remarks>
/// Enqueuing is thread-safe; the loop is the only caller of <see cref="IMessageStore.AppendAsync"/> and of
/// <see cref="IMessageDelivery"/>. On shutdown it stops taking new writes and commits those queued (flush).
/// </remarks>
internal sealed partial class MessageWriter(
    IMessageStore store,
    IMessageDelivery delivery,
    IEnumerable<ICommitListener> listeners,
    IOptions<StorageOptions> options,
    TimeProvider time,
    ChatMetrics metrics,
    ILogger<MessageWriter> logger) : BackgroundService
{
    private const int QueueCapacity = 10_000;

    private readonly Channel<PendingWrite> _queue = Channel.CreateBounded<PendingWrite>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly int _maxBatch = Math.Max(1, options.Value.MaxBatchSize);

    private readonly ICommitListener[] _listeners = [.. listeners];

    /// <summary>When the last batch failed, until one succeeds again; null while writes go through.</summary>
    public DateTime? FailingSince { get; private set; }

    /// <summary>The hub's send: the stored message itself is the answer, with no continuation to unwrap it.</summary>
    public Task<ChatMessage> WriteAsync(NewChatMessage message, CancellationToken cancellationToken)
    {
        var pending = new PendingChatMessage<ChatMessage>(message, static (answer, _) => answer);
        return EnqueueAsync(pending, pending.Completion.Task, cancellationToken);
    }

    /// <summary>As <see cref="WriteAsync(NewChatMessage, CancellationToken)"/>, and whether this write stored the answer or repeated one.</summary>
    public Task<WrittenMessage> PostAsync(NewChatMessage message, CancellationToken cancellationToken)
    {
        var pending = new PendingChatMessage<WrittenMessage>(message, static (answer, isNew) => new WrittenMessage(answer, isNew));
        return EnqueueAsync(pending, pending.Completion.Task, cancellationToken);
    }

    public Task<DirectMessage> WriteAsync(NewDirectMessage message, CancellationToken cancellationToken)
    {
        var pending = new PendingDirectMessage(message);
        return EnqueueAsync(pending, pending.Completion.Task, cancellationToken);
    }

    /// <summary>An edit or delete: decided and stored inside the batch's transaction (see <see cref="NewRoomChange"/>).</summary>
    public Task<RoomChangeAnswer> WriteAsync(NewRoomChange change, CancellationToken cancellationToken)
    {
        var pending = new PendingRoomChange(change);
        return EnqueueAsync(pending, pending.Completion.Task, cancellationToken);
    }

    /// <summary>An edit, delete or reaction in a conversation: decided inside the batch's transaction (see <see cref="NewDirectChange"/>).</summary>
    public Task<DirectChangeAnswer> WriteAsync(NewDirectChange change, CancellationToken cancellationToken)
    {
        var pending = new PendingDirectChange(change);
        return EnqueueAsync(pending, pending.Completion.Task, cancellationToken);
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopping = stoppingToken.Register(() => _queue.Writer.TryComplete());
        // Not cancelled by stoppingToken: once the queue is completed the loop drains what is left and ends.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            // A list per batch: the batch is answered on a pool thread (Answer) while the loop takes the next one.
            var batch = new List<PendingWrite>(Math.Min(_maxBatch, _queue.Reader.Count));
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            await CommitAsync(batch);
        }
    }

    /// <summary>
    /// Queues <paramref name="pending"/> now, before the caller's first await (which keeps a connection's writes in the order
    /// sent), and answers its <paramref name="completion"/>: the write's own task itself while the queue has room, so the
    /// usual send adds no async layer of its own.
    /// </summary>
    private Task<T> EnqueueAsync<T>(PendingWrite pending, Task<T> completion, CancellationToken cancellationToken) =>
        _queue.Writer.TryWrite(pending) ? completion : EnqueueSlowlyAsync(pending, completion, cancellationToken);

    // A full queue (writers then wait in the order they came) or a closed one (shutting down).
    private async Task<T> EnqueueSlowlyAsync<T>(PendingWrite pending, Task<T> completion, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException ex)
        {
            throw new StoreUnavailableException("The server is shutting down.", ex);
        }

        return await completion;
    }

    private async Task CommitAsync(List<PendingWrite> batch)
    {
        var messages = new List<NewChatMessage>(batch.Count);
        var direct = new List<NewDirectMessage>();
        var changes = new List<NewRoomChange>();
        var directChanges = new List<NewDirectChange>();
        foreach (var item in batch)
        {
            switch (item)
            {
                case PendingChatMessage chat:
                    messages.Add(chat.Message);
                    break;
                case PendingRoomChange change:
                    changes.Add(change.Change);
                    break;
                case PendingDirectChange change:
                    directChanges.Add(change.Change);
                    break;
                default:
                    direct.Add(((PendingDirectMessage)item).Message);
                    break;
            }
        }

        AppendResult stored;
        var started = time.GetTimestamp();
        try
        {
            var now = time.GetUtcNow();
            // Millisecond precision, so that what is sent equals what every store reads back.
            var sentAt = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()).UtcDateTime;
            stored = await store.AppendAsync(new WriteBatch(messages, direct, sentAt, changes, directChanges), delivery.OnCommittingAsync, CancellationToken.None);
        }
        catch (Exception ex)
        {
            metrics.StoreCommitted(batch.Count, time.GetElapsedTime(started));
            FailingSince ??= time.GetUtcNow().UtcDateTime;
            LogBatchFailed(logger, batch.Count, ex);
            var error = ex as StoreUnavailableException ?? new StoreUnavailableException("The store failed.", ex);
            Answer(batch, item => item.Fail(error));
            return;
        }

        metrics.StoreCommitted(batch.Count, time.GetElapsedTime(started));
        metrics.MessagesStored(stored.Messages, stored.DirectMessages.Count);
        if (FailingSince is not null)
        {
            LogRecovered(logger);
            FailingSince = null;
        }

        // Only what is new in this batch is delivered; a repeated client message id was delivered when first stored.
        delivery.OnCommitted(stored);
        foreach (var listener in _listeners)
        {
            listener.OnCommitted(stored);
        }

        // The first write answered with an entry new in this batch stored it; a later one in the batch repeated it (the
        // same instance). The new entries are in batch order, so one walk over them tells which is which.
        int m = 0, d = 0, c = 0, dc = 0, created = 0;
        var answers = new Action<PendingWrite>(item =>
        {
            switch (item)
            {
                case PendingChatMessage chat:
                    if (stored.MessageAnswers[m++] is not { } answer)
                    {
                        // Refused by the store: what it answers or joins is not there (see NewChatMessage); nothing stored.
                        chat.Fail(new PostTargetNotFoundException(chat.Message));
                        break;
                    }

                    var isNew = created < stored.Messages.Count && ReferenceEquals(answer, stored.Messages[created]);
                    created += isNew ? 1 : 0;
                    chat.Complete(answer, isNew);
                    break;
                case PendingRoomChange change:
                    change.Completion.TrySetResult(stored.ChangeAnswers![c++]);
                    break;
                case PendingDirectChange change:
                    change.Completion.TrySetResult(stored.DirectChangeAnswers![dc++]);
                    break;
                default:
                    var pending = (PendingDirectMessage)item;
                    if (stored.DirectAnswers[d++] is { } direct)
                    {
                        pending.Completion.TrySetResult(direct);
                    }
                    else
                    {
                        pending.Fail(new UploadNotFoundException());
                    }

                    break;
            }
        });
        Answer(batch, answers);
    }

    /// <summary>
    /// Completes a batch's writes on one pool thread, in batch order: their continuations (each sender's hub method
    /// answering its caller) run there one after the other, inline, so a batch costs one thread-pool hop, not one per
    /// write, and the loop goes on to the next batch meanwhile instead of running them itself.
    /// </summary>
    private static void Answer(List<PendingWrite> batch, Action<PendingWrite> complete) =>
        ThreadPool.UnsafeQueueUserWorkItem(
            static state =>
            {
                foreach (var item in state.Batch)
                {
                    state.Complete(item);
                }
            },
            (Batch: batch, Complete: complete),
            preferLocal: false);

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "A batch of {Count} writes could not be stored; its senders were told 'unavailable'.")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "The store takes writes again.")]
    private static partial void LogRecovered(ILogger logger);

    /// <summary>
    /// A queued write. Its completion runs continuations synchronously: only <see cref="Answer"/> completes it, on a pool
    /// thread of its own, never the loop.
    /// </summary>
    private abstract class PendingWrite
    {
        public abstract void Fail(Exception error);
    }

    private abstract class PendingChatMessage(NewChatMessage message) : PendingWrite
    {
        public NewChatMessage Message { get; } = message;

        /// <summary>Answers the write with the stored entry, and whether this write stored it (false: a repeat).</summary>
        public abstract void Complete(ChatMessage answer, bool isNew);
    }

    private sealed class PendingChatMessage<T>(NewChatMessage message, Func<ChatMessage, bool, T> answer) : PendingChatMessage(message)
    {
        public TaskCompletionSource<T> Completion { get; } = new();

        public override void Complete(ChatMessage stored, bool isNew) => Completion.TrySetResult(answer(stored, isNew));

        public override void Fail(Exception error) => Completion.TrySetException(error);
    }

    private sealed class PendingRoomChange(NewRoomChange change) : PendingWrite
    {
        public NewRoomChange Change { get; } = change;

        public TaskCompletionSource<RoomChangeAnswer> Completion { get; } = new();

        public override void Fail(Exception error) => Completion.TrySetException(error);
    }

    private sealed class PendingDirectChange(NewDirectChange change) : PendingWrite
    {
        public NewDirectChange Change { get; } = change;

        public TaskCompletionSource<DirectChangeAnswer> Completion { get; } = new();

        public override void Fail(Exception error) => Completion.TrySetException(error);
    }

    private sealed class PendingDirectMessage(NewDirectMessage message) : PendingWrite
    {
        public NewDirectMessage Message { get; } = message;

        public TaskCompletionSource<DirectMessage> Completion { get; } = new();

        public override void Fail(Exception error) => Completion.TrySetException(error);
    }
}
