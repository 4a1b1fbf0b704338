using HubApp.Api;
using HubApp.Attachments;
using HubApp.Auth;
using HubApp.Backplane;
using HubApp.Client;
using HubApp.Configuration;
using HubApp.DirectMessages;
using HubApp.EventStream;
using HubApp.Health;
using HubApp.History;
using HubApp.Hubs;
using HubApp.Limits;
using HubApp.Messaging;
using HubApp.Presence;
using HubApp.Push;
using HubApp.ReadState;
using HubApp.Rooms;
using HubApp.Search;
using HubApp.Security;
using HubApp.Stats;
using HubApp.Storage;
using HubApp.Telemetry;
using HubApp.Webhooks;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    EnvironmentName = RunEnvironment.Choose(Environment.GetEnvironmentVariables(), args),
});
builder.AddChatLogging();
builder.AddChatAuthentication();
builder.AddChatSecurity();
builder.AddChatLimits();
builder.AddChatStorage();
builder.AddChatPresence();
builder.AddChatRooms();
builder.AddChatHistory();
builder.AddChatMessaging();
builder.AddChatDirectMessages();
builder.AddChatReadState();
builder.AddChatSearch();
builder.AddChatPush();
builder.AddChatHub();
builder.AddChatApi();
builder.AddChatWebhooks();
builder.AddChatAttachments();
builder.AddChatEventStream();
builder.AddChatBackplane();
builder.AddChatTelemetry();

var app = builder.Build();
if (!app.ValidateConfiguration())
{
    return 1;
}

app.UseChatClient();
app.UseChatSecurity();
app.UseChatAttachments();
app.UseAuthentication();
app.UseAuthorization();
app.UseChatApi();
app.UseChatConnectionLimits();

app.MapChatClient();
app.MapChatAuthentication();
app.MapChatHub();
app.MapChatStats();
app.MapChatApi();
app.MapChatWebhooks();
app.MapChatAttachments();
app.MapChatPush();
app.MapChatEventStream();
app.MapChatMetrics();
app.MapChatHealth();

return app.RunChat();
