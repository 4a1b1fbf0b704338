using HubApp.Bench.Baseline;
using HubApp.Contracts;

// A plain SignalR hub as the ASP.NET Core docs show it: groups and Clients.Group(room).SendAsync, no
// authentication, no storage, default settings. `bench/HubApp.Bench` drives it with the same workload as HubApp.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddSignalR();
var app = builder.Build();
app.MapHub<BaselineHub>(HubMethods.Path);
app.Run();
