using HubApp.Errors;
using Microsoft.Extensions.Options;

namespace HubApp.EventStream;

/// <summary>
/// The open streams of this node, per user and all together: a stream holds its slot from before it subscribes until it
/// ends, so that neither one user nor all of them can hold more buffers, store reads and sockets than the settings allow.
/// </summary>
/// <remarks>Called concurrently from every request.</remarks>
internal sealed class EventStreamSlots(IOptions<EventStreamOptions> options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _perUser = new(StringComparer.Ordinal);
    private int _total;

    /// <summary>A slot for one of <paramref name="userId"/>'s streams, released when disposed; refused past either bound.</summary>
    public IDisposable Take(string userId)
    {
        var settings = options.Value;
        lock (_gate)
        {
            var held = _perUser.GetValueOrDefault(userId);
            if (held >= settings.MaxStreamsPerUser)
            {
                throw ChatErrors.TooManyEventStreams(settings.MaxStreamsPerUser);
            }

            if (_total >= settings.MaxStreams)
            {
                throw ChatErrors.EventStreamsFull();
            }

            _perUser[userId] = held + 1;
            _total++;
        }

        return new Slot(this, userId);
    }

    private void Release(string userId)
    {
        lock (_gate)
        {
            _total--;
            if (--_perUser[userId] == 0)
            {
                _perUser.Remove(userId);
            }
        }
    }

    private sealed class Slot(EventStreamSlots slots, string userId) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release(userId);
            }
        }
    }
}
