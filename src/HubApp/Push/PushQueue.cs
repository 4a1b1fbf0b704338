using System.Threading.Channels;
using HubApp.Contracts;
using HubApp.Presence;
using HubApp.Storage;
using Microsoft.Extensions.Options;

namespace HubApp.Push;

/// <summary>What one push says (docs/protocol.md, "Push notifications"), and to whom.</summary>
internal sealed record PushJob(string UserId, PushPayload Payload);

/// <summary>The push's JSON payload.</summary>
internal sealed record PushPayload(string Kind, string? Room, long Id, string FromUserName, string Text)
{
    public const string Direct = "direct";
    public const string Mention = "mention";

    /// <summary>How much of the text a push carries.</summary>
    public const int MaxText = 200;

    /// <summary>The first <see cref="MaxText"/> characters of <paramref name="text"/>, never half a surrogate pair.</summary>
    public static string Excerpt(string text) =>
        text.Length <= MaxText ? text : text[..(char.IsHighSurrogate(text[MaxText - 1]) ? MaxText - 1 : MaxText)];
}

/// <summary>
/// Between the writer and the senders (<see cref="PushSender"/>): each direct message and each mention a batch stored
/// becomes a job for the user it is for, unless that user has a connection on this node (an in-memory count: a user
/// online here is not away). Whether any other user is away the sender asks, off the writer's loop: on a cluster that
/// is a look-up in the presence directory, which a direct message between two users online here so never costs.
/// The queue is bounded: when it is full the job is dropped and counted, and the writer goes on.
/// </summary>
internal sealed class PushQueue(IOptions<PushOptions> options, PresenceTracker tracker) : ICommitListener
{
    private readonly Channel<PushJob> _jobs = Channel.CreateBounded<PushJob>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleWriter = true });

    private long _dropped;

    public ChannelReader<PushJob> Reader => _jobs.Reader;

    public int Count => _jobs.Reader.Count;

    public long Dropped => Interlocked.Read(ref _dropped);

    public void OnCommitted(AppendResult stored)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        foreach (var message in stored.DirectMessages)
        {
            // A note to self tells no one anything; edits, deletes and reactions are not news worth a push.
            if (message.Kind == MessageKinds.Message && message.FromUserId != message.ToUserId && !IsOnlineHere(message.ToUserId))
            {
                Enqueue(new PushJob(message.ToUserId, new PushPayload(PushPayload.Direct, null, message.Id, message.FromUserName, PushPayload.Excerpt(message.Text))));
            }
        }

        foreach (var message in stored.Messages)
        {
            if (message.Kind != MessageKinds.Message || message.Mentions is not { Count: > 0 } mentions)
            {
                continue;
            }

            var payload = new PushPayload(PushPayload.Mention, message.Room, message.Id, message.UserName, PushPayload.Excerpt(message.Text));
            foreach (var userId in mentions.Where(u => !string.Equals(u, message.UserId, StringComparison.OrdinalIgnoreCase) && !IsOnlineHere(u)))
            {
                Enqueue(new PushJob(userId, payload));
            }
        }
    }

    /// <summary>Stops taking jobs: the senders finish what is queued and end.</summary>
    public void Complete() => _jobs.Writer.TryComplete();

    private bool IsOnlineHere(string userId) => tracker.ConnectionsOf(userId) > 0;

    private void Enqueue(PushJob job)
    {
        if (!_jobs.Writer.TryWrite(job))
        {
            Interlocked.Increment(ref _dropped);
        }
    }
}
