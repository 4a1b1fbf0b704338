using System.Net;
using System.Text.Json;
using HubApp.Api;
using HubApp.Contracts;
using HubApp.Errors;
using HubApp.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace HubApp.Tests.Api;

/// <summary>The API's OpenAPI document, and the one table from contract codes to HTTP statuses.</summary>
public sealed class ApiDocumentTests
{
    [Fact]
    public async Task InDevelopmentTheOpenApiDocumentNamesEveryOperationWithItsAnswers()
    {
        await using var host = await HubAppHost.StartAsync(environment: "Development");
        using var http = host.CreateHttpClient();

        using var response = await http.GetAsync(ChatApiExtensions.OpenApiPath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var messages = document.RootElement.GetProperty("paths").GetProperty("/api/rooms/{room}/messages");
        var post = messages.GetProperty("post");
        var get = messages.GetProperty("get");
        Assert.Equal("PostRoomMessage", post.GetProperty("operationId").GetString());
        Assert.Equal("GetRoomMessages", get.GetProperty("operationId").GetString());
        Assert.False(string.IsNullOrEmpty(post.GetProperty("summary").GetString()));
        Assert.Contains("rate_limited", post.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(["200", "201", "400", "401", "403", "429", "503"], post.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order());
        Assert.Equal(["200", "400", "401", "403", "429", "503"], get.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order());
        Assert.True(post.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.Equal(
            ["/api/attachments/{id}", "/api/attachments/{id}/thumbnail", "/api/direct/{userId}/attachments", "/api/push/key", "/api/push/subscriptions", "/api/rooms", "/api/rooms/{room}/attachments", "/api/rooms/{room}/events", "/api/rooms/{room}/messages"],
            document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var events = document.RootElement.GetProperty("paths").GetProperty("/api/rooms/{room}/events").GetProperty("get");
        Assert.Equal("StreamRoomEvents", events.GetProperty("operationId").GetString());
        Assert.True(events.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream", out _));
        Assert.Equal("GetPushKey", document.RootElement.GetProperty("paths").GetProperty("/api/push/key").GetProperty("get").GetProperty("operationId").GetString());
        Assert.Equal("SubscribeToPush", document.RootElement.GetProperty("paths").GetProperty("/api/push/subscriptions").GetProperty("post").GetProperty("operationId").GetString());
        Assert.Equal("ListRooms", document.RootElement.GetProperty("paths").GetProperty("/api/rooms").GetProperty("get").GetProperty("operationId").GetString());
        Assert.Equal("bearer", document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty(ApiDocument.BearerScheme).GetProperty("scheme").GetString());
        Assert.True(Assert.Single(document.RootElement.GetProperty("security").EnumerateArray()).TryGetProperty(ApiDocument.BearerScheme, out _));
        Assert.Equal(["afterId", "beforeId", "limit"], get.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).Where(n => n != "room").Order());
    }

    [Fact]
    public async Task OutsideDevelopmentThereIsNoOpenApiDocument()
    {
        await using var host = await HubAppHost.StartAsync();
        using var http = host.CreateHttpClient();

        using var response = await http.GetAsync(ChatApiExtensions.OpenApiPath);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData(ErrorCodes.InvalidRoom, 400)]
    [InlineData(ErrorCodes.InvalidMessage, 400)]
    [InlineData(ErrorCodes.MessageTooLong, 400)]
    [InlineData(ErrorCodes.Forbidden, 403)]
    [InlineData(ErrorCodes.Muted, 403)]
    [InlineData(ErrorCodes.NotFound, 404)]
    [InlineData(ErrorCodes.RateLimited, 429)]
    [InlineData(ErrorCodes.Unavailable, 503)]
    public async Task EachRefusalIsAProblemWithItsCodeAndTheStatusTheContractGivesIt(string code, int status)
    {
        // forbidden and muted come from RoomAuthorization once rooms can be private or mute: the answer is this table's.
        await using var host = await HubAppHost.StartAsync();
        var context = new DefaultHttpContext { RequestServices = host.Services };
        context.Response.Body = new MemoryStream();

        await host.Services.GetRequiredService<ApiRefusals>().Refuse(context, new ChatRefusedException(code, "why, in words")).ExecuteAsync(context);

        Assert.Equal(status, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        context.Response.Body.Position = 0;
        using var problem = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal((code, status, "why, in words"), (problem.RootElement.GetProperty("code").GetString(), problem.RootElement.GetProperty("status").GetInt32(), problem.RootElement.GetProperty("detail").GetString()));
    }
}
