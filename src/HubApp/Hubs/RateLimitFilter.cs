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
/// The connection's buckets are held by the connection (<see cref="ConnectionAllowance"/>, made as it connects, gone with
/// it), and each refills from the time elapsed when it is next used: no timer walks the buckets, and a closed connection
/// leaves nothing behind. The user's read allowance is one bucket per user on this node (<see cref="UserBuckets"/>).
/// </remarks>
internal sealed class RateLimitFilter : IHubFilter
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
    private readonly TimeProvider _time;
    private readonly LimitsOptions _limits;
    private readonly UserBuckets _userReads;

    public RateLimitFilter(IOptions<LimitsOptions> options, UserReadGate gate, TimeProvider time)
    {
        _gate = gate;
        _time = time;
        _limits = options.Value;
        _userReads = new UserBuckets(_limits.UserReadsPerSecond, _limits.UserReadBurst, time);
    }

    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        // Before any invocation of the connection is dispatched: every call finds the allowance and none makes a second.
        context.Context.Features.Set(new ConnectionAllowance());
        return next(context);
    }

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var method = invocationContext.HubMethodName;
        var hub = invocationContext.Context;
        if (method == HubMethods.Typing)
        {
            Take(hub, AllowanceKind.Typing, _limits.TypingPerSecond, _limits.TypingBurst, ChatErrors.TypingRateLimited);
        }
        else if (MessageMethods.Contains(method))
        {
            Take(hub, AllowanceKind.Messages, _limits.MessagesPerSecond, _limits.Burst, ChatErrors.RateLimited);
        }
        else if (ReadMarkerMethods.Contains(method))
        {
            Take(hub, AllowanceKind.ReadMarkers, ReadMarkersPerSecond, ReadMarkersBurst, ChatErrors.ReadMarkersRateLimited);
        }
        else if (ReadMethods.Contains(method))
        {
            Take(hub, AllowanceKind.Reads, _limits.ReadsPerSecond, _limits.ReadBurst, ChatErrors.ReadsRateLimited);
            if (!_userReads.TryTake(hub.UserIdentifier ?? string.Empty))
            {
                throw ChatErrors.ReadsRateLimited(_limits.ReadsPerSecond);
            }

            return ReadAsync(invocationContext, next);
        }
        else if (RoomChangeMethods.Contains(method))
        {
            Take(hub, AllowanceKind.RoomChanges, ReadMarkersPerSecond, ReadMarkersBurst, ChatErrors.RoomChangesRateLimited);
        }

        return next(invocationContext);
    }

    private async ValueTask<object?> ReadAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var hub = invocationContext.Context;
        using var turn = await _gate.EnterAsync(hub.UserIdentifier ?? string.Empty, hub.ConnectionAborted);
        return await next(invocationContext);
    }

    // The refusal comes as a method group and its number, not a lambda over this filter's fields, which would allocate a
    // closure on every invocation (refused or not).
    private void Take(HubCallerContext hub, AllowanceKind kind, int perSecond, int burst, Func<int, ChatRefusedException> refusal)
    {
        var allowance = hub.Features.Get<ConnectionAllowance>() ?? throw new InvalidOperationException("The connection has no allowance: RateLimitFilter.OnConnectedAsync did not run.");
        if (!allowance.TryTake(kind, _time, perSecond, burst))
        {
            throw refusal(perSecond);
        }
    }
}
