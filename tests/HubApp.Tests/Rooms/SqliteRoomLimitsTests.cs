using HubApp.Testing;

namespace HubApp.Tests.Rooms;

/// <summary>The room limits on the embedded default: a SQLite file.</summary>
public sealed class SqliteRoomLimitsTests : RoomLimitsTests
{
    private protected override Task<HubAppHost> StartAsync(IDictionary<string, string?>? settings = null) => HubAppHost.StartAsync(settings);
}
