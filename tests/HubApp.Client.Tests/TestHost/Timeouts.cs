namespace HubApp.Client.Tests.TestHost;

internal static class Timeouts
{
    /// <summary>The bound on every await in these tests.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(10);
}
