using HubApp.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HubApp.Tests.Api;

/// <summary>The HTTP API on the embedded default: a SQLite file.</summary>
public sealed class SqliteRoomMessagesApiTests : RoomMessagesApiTests
{
    private protected override Task<HubAppHost> StartAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, string environment = "Testing") =>
        HubAppHost.StartAsync(settings, environment: environment, services: services);
}
