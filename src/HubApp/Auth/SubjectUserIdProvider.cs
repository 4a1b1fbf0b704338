using Microsoft.AspNetCore.SignalR;

namespace HubApp.Auth;

/// <summary>Makes <c>Clients.User(id)</c> reach every connection whose token has that <c>sub</c>.</summary>
internal sealed class SubjectUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => connection.User.UserId();
}
