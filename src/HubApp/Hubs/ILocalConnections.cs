using Microsoft.AspNetCore.SignalR;

namespace HubApp.Hubs;

/// <summary>The hub connections open on this node, and sends to them only (<see cref="ChatLifetimeManager{THub}"/>).</summary>
internal interface ILocalConnections
{
    HubConnectionContext? Find(string connectionId);

    /// <summary>Sends to this node's members of <paramref name="groupName"/>, whatever the engine.</summary>
    Task SendLocalGroupAsync(string groupName, string methodName, object?[] args);

    /// <summary>Sends to this node's members of <paramref name="groupName"/> but those excluded, whatever the engine.</summary>
    Task SendLocalGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds);

    /// <summary>Sends to this node's connections of the users named, whatever the engine.</summary>
    Task SendLocalUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args);
}
