namespace HubApp.Browser.Tests.Infrastructure;

/// <summary>The browser tests share one Chromium and run one after another (two cores; each starts a host).</summary>
[CollectionDefinition(Name)]
public sealed class UsesChromium : ICollectionFixture<Chromium>
{
    public const string Name = "Chromium";
}
