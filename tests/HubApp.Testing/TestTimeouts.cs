namespace HubApp.Testing;

/// <summary>Every await in a test is bounded; these are generous because CI machines are shared and slow.</summary>
public static class TestTimeouts
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);
}
