using System.Diagnostics;

namespace HubApp.Tests.Infrastructure;

internal static class ProcessExtensions
{
    /// <summary>SIGKILL, unless it has exited already, and a bounded wait for the exit.</summary>
    public static async Task KillAndWaitAsync(this Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
    }
}
