using HubApp.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Client.Tests.TestHost;

/// <summary>
/// Just enough of the contract's hub for the client: rooms, history with a catch-up cap, and the
/// "code: text" errors. Its state lives in <see cref="FakeChatServer"/>, which tests script.
/// </summary>
public sealed class FakeChatHub(FakeChatServer server) : Hub<IChatClient>
{
    public override Task OnConnectedAsync()
    {
        server.Connections[Context.ConnectionId] = Context;
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        server.Connections.TryRemove(Context.ConnectionId, out _);
        return Task.CompletedTask;
    }

    public async Task<RoomSnapshot> JoinRoom(string room, long? sinceId)
    {
        var name = room.ToLowerInvariant();
        server.Joins.Enqueue((name, sinceId));
        await Groups.AddToGroupAsync(Context.ConnectionId, name);
        Context.Items[name] = true;
        var snapshot = server.Snapshot(name, sinceId);
        if (server.AfterSnapshot is { } hook)
        {
            await hook(name, sinceId);
        }

        return snapshot;
    }

    public async Task LeaveRoom(string room)
    {
        var name = room.ToLowerInvariant();
        Context.Items.Remove(name);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, name);
    }

    public async Task<ChatMessage> SendMessage(string room, string text)
    {
        var name = room.ToLowerInvariant();
        if (!Context.Items.ContainsKey(name))
        {
            throw new HubException($"{ErrorCodes.NotInRoom}: join '{name}' before sending to it.");
        }

        var message = server.Append(name, text);
        await Clients.Group(name).MessageReceived(message);
        return message;
    }

#pragma warning disable CA1822 // SignalR dispatches only to instance methods.
    public string Ping() => "pong";
#pragma warning restore CA1822
}
