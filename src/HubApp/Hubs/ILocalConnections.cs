using Microsoft.AspNetCore.SignalR;

namespace HubApp.Hubs;

/// <summary>The hub connections open on this node, as the lifetime manager knows them.</summary>
internal interface ILocalConnections
{
    HubConnectionContext? Find(string connectionId);
}
