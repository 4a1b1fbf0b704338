using HubApp.Contracts;

namespace HubApp.Tests.Contracts;

public sealed class ErrorCodesTests
{
    [Theory]
    [InlineData("An unexpected error occurred invoking 'SendMessage' on the server. HubException: not_in_room: join 'x' first.", "not_in_room")]
    [InlineData("rate_limited: at most 10 messages per second", "rate_limited")]
    [InlineData("Connection closed with an error. HubException: too_many_connections: at most 2", "too_many_connections")]
    [InlineData("The server closed the connection with the following error: too_many_connections: a user may hold at most 2 connections.", "too_many_connections")]
    [InlineData("An unexpected error occurred invoking 'Ping' on the server.", null)]
    [InlineData("Weird: Capitalised", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void TheCodeIsFoundAfterSignalRsPrefix(string? message, string? code) => Assert.Equal(code, ErrorCodes.Find(message));
}
