using HubApp.Testing;
using HubApp.Tests.ScaleOut;

namespace HubApp.Tests.Attachments;

/// <summary>Attachments on the PostgreSQL store with <c>Attachments:Provider=postgres</c>: the files in the database, in chunks.</summary>
[Collection(PostgresCluster.Name)]
public sealed class PostgresAttachmentTests : AttachmentTests, IAsyncLifetime
{
    private TestPostgres _database = null!;

    public async Task InitializeAsync() => _database = await TestPostgres.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private protected override Task<HubAppHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["Attachments:Provider"] = "postgres" };
        return _database.StartHostAsync(all);
    }
}
