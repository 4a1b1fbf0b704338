using HubApp.Testing;

namespace HubApp.Tests.Search;

/// <summary>Search through the hub on the embedded default: a SQLite file.</summary>
public sealed class SqliteSearchHubTests : SearchHubTests
{
    private protected override Task<HubAppHost> StartAsync(IDictionary<string, string?>? settings = null) => HubAppHost.StartAsync(settings);
}
