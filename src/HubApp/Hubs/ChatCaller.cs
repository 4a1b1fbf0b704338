using HubApp.Auth;
using HubApp.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Hubs;

/// <summary>Who is calling: the connection and the identity its token proved.</summary>
public sealed record ChatCaller(string ConnectionId, Member Member)
{
    public string UserId => Member.UserId;

    public string UserName => Member.UserName;

    public static ChatCaller From(HubCallerContext context) =>
        new(context.ConnectionId, new Member(context.User.UserId() ?? string.Empty, context.User.UserName()));
}
