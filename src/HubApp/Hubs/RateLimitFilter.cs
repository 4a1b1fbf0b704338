using System.Threading.RateLimiting;
using HubApp.Contracts;
using HubApp.Errors;
using HubApp.Limits;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace HubApp.Hubs;

/// <summary>
/// Token buckets per connection over the methods that make others receive something: one for messages
/// (<c>Limits:MessagesPerSecond</c>, burst <c>Limits:Burst</c>) and one of its own for typing notices
/// (<c>Limits:TypingPerSecond</c>), so that typing never uses up a user's allowance to send. A refused call
/// reaches no one; its refusal goes out through <see cref="InvocationLoggingFilter"/>, which runs outside this.
/// A third, fixed one covers MarkRead and MarkDirectRead (<see cref="ReadMarkersPerSecond"/>, burst
/// <see cref="ReadMarkersBurst"/>): each is a store write and may fan out to the user's other connections, so it is
/// bounded, but never at the cost of the allowance to send (docs/security.md). Reads have the read allowance, per
/// connection and per user, and then wait for the user's turn (<see cref="UserReadGate"/>).
/// </summary>
/// <remarks>
/// One partitioned limiter for all connections: its single timer replenishes every bucket, instead of a
/// timer per connection; a bucket left full for a while (a closed or quiet connection) is dropped by it.
/// </remarks>
internal sealed class RateLimitFilter : IHubFilter, IDisposable
{
    private static readonly HashSet<string> MessageMethods =
    [
        HubMethods.SendMessage, HubMethods.PostMessage, HubMethods.Post, HubMethods.EditMessage, HubMethods.DeleteMessage, HubMethods.SendDirectMessage, HubMethods.PostDirectMessage,
        HubMethods.React, HubMethods.PostDirect, HubMethods.EditDirectMessage, HubMethods.DeleteDirectMessage, HubMethods.ReactDirect,
    ];

    /// <summary>Read-marker moves a connection may make per second, and in a burst: far above what scrolling asks for.</summary>
    public const int ReadMarkersPerSecond = 5;

    public const int ReadMarkersBurst = 20;

    private static readonly HashSet<string> ReadMarkerMethods = [HubMethods.MarkRead, HubMethods.MarkDirectRead];

    /// <summary>
    /// The room methods that write the store and tell every node (and, for invitations, another user's connections): a
    /// bucket of their own per connection, with the read markers' numbers, so an owner cannot flood the store or a victim.
    /// </summary>
    private static readonly HashSet<string> RoomChangeMethods =
    [
        HubMethods.CreateRoom, HubMethods.UpdateRoom, HubMethods.InviteToRoom, HubMethods.SetRole, HubMethods.KickFromRoom,
        HubMethods.BanFromRoom, HubMethods.UnbanFromRoom, HubMethods.MuteInRoom, HubMethods.UnmuteInRoom, HubMethods.LeaveRoomForGood,
    ];

    /// <summary>
    /// Every read (<c>Limits:ReadsPerSecond</c>, burst <c>Limits:ReadBurst</c>): each costs a store read and a reply of up
    /// to a page, so a user who re-joins, pages or lists without end is held to the allowance, per connection and for all
    /// of their connections together; and a user's reads run one after another (<see cref="UserReadGate"/>). A read
    /// method added to the hub belongs here.
    /// </summary>
    private static readonly HashSet<string> ReadMethods =
    [
        HubMethods.JoinRoom, HubMethods.GetHistory, HubMethods.GetDirectHistory, HubMethods.SyncDirectMessages, HubMethods.GetConversations,
        HubMethods.ListRooms, HubMethods.GetRoomInfo, HubMethods.GetMyRooms, HubMethods.GetBans, HubMethods.GetThread, HubMethods.GetMessages,
        HubMethods.SearchMessages, HubMethods.SearchDirectMessages,
    ];

    private readonly UserReadGate _gate;

    private readonly PartitionedRateLimiter<string> _messages;
    private readonly PartitionedRateLimiter<string> _reads;
    private readonly PartitionedRateLimiter<string> _userReads;
    private readonly int _readsPerSecond;
    private readonly PartitionedRateLimiter<string> _readMarkers = PerConnection(ReadMarkersPerSecond, ReadMarkersBurst);
    private readonly PartitionedRateLimiter<string> _roomChanges = PerConnection(ReadMarkersPerSecond, ReadMarkersBurst);
    private readonly PartitionedRateLimiter<string> _typing;
    private readonly int _messagesPerSecond;
    private readonly int _typingPerSecond;

    public RateLimitFilter(IOptions<LimitsOptions> options, UserReadGate gate)
    {
        _gate = gate;
        var limits = options.Value;
        _messagesPerSecond = limits.MessagesPerSecond;
        _typingPerSecond = limits.TypingPerSecond;
        _messages = PerConnection(limits.MessagesPerSecond, limits.Burst);
        _typing = PerConnection(limits.TypingPerSecond, limits.TypingBurst);
        _readsPerSecond = limits.ReadsPerSecond;
        _reads = PerConnection(limits.ReadsPerSecond, limits.ReadBurst);
        _userReads = PerConnection(limits.UserReadsPerSecond, limits.UserReadBurst);
    }

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var method = invocationContext.HubMethodName;
        if (method == HubMethods.Typing)
        {
            Acquire(_typing, invocationContext.Context.ConnectionId, ChatErrors.TypingRateLimited, _typingPerSecond);
        }
        else if (MessageMethods.Contains(method))
        {
            Acquire(_messages, invocationContext.Context.ConnectionId, ChatErrors.RateLimited, _messagesPerSecond);
        }
        else if (ReadMarkerMethods.Contains(method))
        {
            Acquire(_readMarkers, invocationContext.Context.ConnectionId, ChatErrors.ReadMarkersRateLimited, ReadMarkersPerSecond);
        }
        else if (ReadMethods.Contains(method))
        {
            Acquire(_reads, invocationContext.Context.ConnectionId, ChatErrors.ReadsRateLimited, _readsPerSecond);
            Acquire(_userReads, invocationContext.Context.UserIdentifier ?? string.Empty, ChatErrors.ReadsRateLimited, _readsPerSecond);
            return ReadAsync(invocationContext, next);
        }
        else if (RoomChangeMethods.Contains(method))
        {
            Acquire(_roomChanges, invocationContext.Context.ConnectionId, ChatErrors.RoomChangesRateLimited, ReadMarkersPerSecond);
        }

        return next(invocationContext);
    }

    public void Dispose()
    {
        _messages.Dispose();
        _typing.Dispose();
        _readMarkers.Dispose();
        _roomChanges.Dispose();
        _reads.Dispose();
        _userReads.Dispose();
    }

    private async ValueTask<object?> ReadAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var hub = invocationContext.Context;
        using var turn = await _gate.EnterAsync(hub.UserIdentifier ?? string.Empty, hub.ConnectionAborted);
        return await next(invocationContext);
    }

    // The refusal comes as a method group and its number, not a lambda over this filter's fields, which would allocate a
    // closure on every invocation (refused or not).
    private static void Acquire(PartitionedRateLimiter<string> limiter, string connectionId, Func<int, ChatRefusedException> refusal, int perSecond)
    {
        using var lease = limiter.AttemptAcquire(connectionId);
        if (!lease.IsAcquired)
        {
            throw refusal(perSecond);
        }
    }

    private static PartitionedRateLimiter<string> PerConnection(int perSecond, int burst)
    {
        var bucket = TokenBuckets.PerSecond(perSecond, burst);
        // One factory for every partition, made here: RateLimitPartition.GetTokenBucketLimiter (as a lambda over the bucket
        // would) makes a closure and a delegate on every acquire, that is on every message. The bucket's AutoReplenishment is
        // off already, which is all GetTokenBucketLimiter adds.
        Func<string, RateLimiter> factory = _ => new TokenBucketRateLimiter(bucket);
        return PartitionedRateLimiter.Create<string, string>(connectionId => new RateLimitPartition<string>(connectionId, factory), StringComparer.Ordinal);
    }
}
