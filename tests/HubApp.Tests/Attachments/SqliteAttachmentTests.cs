using HubApp.Testing;

namespace HubApp.Tests.Attachments;

/// <summary>Attachments on the embedded default: a SQLite file and files on disk.</summary>
public sealed class SqliteAttachmentTests : AttachmentTests
{
    private protected override Task<HubAppHost> StartAsync(IDictionary<string, string?>? settings = null) => HubAppHost.StartAsync(settings);
}
