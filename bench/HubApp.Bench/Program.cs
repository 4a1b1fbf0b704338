namespace HubApp.Bench;

// A named entry point rather than top-level statements: the test project sees this assembly, the CLI's and the
// host's, and two global `Program` types would collide there.
internal static class BenchProgram
{
    public static Task<int> Main(string[] args) => BenchCommand.Create().Parse(args).InvokeAsync();
}
