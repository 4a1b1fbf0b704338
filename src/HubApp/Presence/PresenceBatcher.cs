using HubApp.Contracts;
using HubApp.Sending;
using Microsoft.Extensions.Options;

namespace HubApp.Presence;

/// <summary>
/// The joins and leaves this node delivers, collected per room for the connections that take batched presence
/// (<see cref="PresenceModes.Batched"/>) and handed out as one <see cref="PresenceBatch"/> per room at most once a window:
/// in a connect storm a room of n members then costs each member one write a window, not one per join (n² in all).
/// </summary>
/// <remarks>
/// Batches at the delivering node, after the engines: a change from another node is added as it is delivered here, so the
/// engines carry single events as before. One timer for the node, armed by the first change after a flush; a room is in at
/// most one batch a window. Each user is in a room's batch once, with their latest change: a join then a leave within the
/// window is a leave, a leave then a join a join. Called concurrently from every connection and the engines' receiving loops.
/// </remarks>
public sealed partial class PresenceBatcher : IDisposable
{
    private readonly Lock _gate = new();
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private readonly ILogger<PresenceBatcher> _logger;
    private readonly ITimer _timer;
    private Dictionary<string, Dictionary<string, (Member Member, bool Joined)>> _pending = new(StringComparer.Ordinal);
    private bool _armed;

    public PresenceBatcher(IOptions<PresenceBatchOptions> options, TimeProvider time, ILogger<PresenceBatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _window = options.Value.Window;
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(static state => ((PresenceBatcher)state!).Flush(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Sends one room's batch to this node's connections that take it (<see cref="JoiningConnections"/> sets it).</summary>
    public Func<string, PresenceBatch, Task>? Send { get; set; }

    /// <summary>Adds a user's change to the room's next batch.</summary>
    public void Add(string room, Member member, bool joined)
    {
        lock (_gate)
        {
            if (!_pending.TryGetValue(room, out var users))
            {
                _pending[room] = users = new Dictionary<string, (Member, bool)>(StringComparer.Ordinal);
            }

            users[member.UserId] = (member, joined);
            if (!_armed)
            {
                _armed = true;
                _timer.Change(_window, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Sends every room's batch now; the timer calls it (a test may too, with a window that never ends).</summary>
    public void Flush()
    {
        Dictionary<string, Dictionary<string, (Member Member, bool Joined)>> pending;
        lock (_gate)
        {
            pending = _pending;
            _pending = new Dictionary<string, Dictionary<string, (Member, bool)>>(StringComparer.Ordinal);
        }

        var at = _time.GetUtcNow().UtcDateTime;
        foreach (var (room, users) in pending)
        {
            var batch = new PresenceBatch(
                room,
                [.. users.Values.Where(u => u.Joined).Select(u => u.Member)],
                [.. users.Values.Where(u => !u.Joined).Select(u => u.Member)],
                at);
            try
            {
                if (Send is { } send)
                {
                    FireAndForget.Observe(send(room, batch), _logger);
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // One room's failure must not keep the other rooms' batches, nor the timer, from going on.
                LogFlushFailed(_logger, exception, room);
            }
        }

        lock (_gate)
        {
            // Changes that came during the flush wait for a window of their own: a room never gets two batches in one.
            _armed = _pending.Count > 0;
            if (_armed)
            {
                _timer.Change(_window, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Dispose() => _timer.Dispose();

    [LoggerMessage(EventId = 300, Level = LogLevel.Error, Message = "The presence batch of room {Room} could not be sent.")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, string room);
}

/// <summary>How often a room's batched presence goes out. Not configuration: the contract fixes 200 ms; tests change it.</summary>
public sealed class PresenceBatchOptions
{
    public TimeSpan Window { get; set; } = TimeSpan.FromMilliseconds(PresenceModes.BatchWindowMilliseconds);
}
