using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HubApp.Rooms;

public static class RoomsExtensions
{
    /// <summary>
    /// Rooms: joining and leaving, the directory, moderation, each user's list with its unread counts and mentions, the
    /// authorization of every room call, and the cache of room state kept true by room changes. Changes are told on this
    /// node only and a join has no room to track: a backplane engine, <c>AddChatBackplane</c>, replaces the bus with one
    /// that reaches every node and the tracking with its sequencer's, before or after this call. No section of its own:
    /// sizes are <c>Limits</c>' and <c>History</c>'.
    /// </summary>
    public static WebApplicationBuilder AddChatRooms(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<RoomService>();
        builder.Services.AddSingleton<RoomAuthorization>();
        builder.Services.AddSingleton<RoomStateCache>();
        builder.Services.AddSingleton<RoomChangeHandler>();
        builder.Services.AddSingleton<RoomLogFeed>();
        builder.Services.AddHostedService<RoomReconciler>();
        builder.Services.AddSingleton<RoomDirectory>();
        builder.Services.AddSingleton<RoomModeration>();
        builder.Services.AddSingleton<UserRoomList>();
        builder.Services.AddSingleton<RoomReads>();
        builder.Services.TryAddSingleton<IRoomChangeBus, LocalRoomChangeBus>();
        builder.Services.TryAddSingleton<IRoomTracking, LocalRoomTracking>();
        return builder;
    }
}
