using System.Diagnostics;

namespace HubApp.Testing;

internal static class ProcessExtensions
{
    /// <summary>SIGKILL, unless it has exited already, and a bounded wait for the exit.</summary>
    public static async Task KillAndWaitAsync(this Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync().DefaultTimeout();
    }

    /// <summary>
    /// Starts <paramref name="start"/> with a fresh SQLite file of its own (unless it names one) and waits (bounded) for it to exit; its
    /// output as text. A process still running at the timeout is killed with its children.
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunToExitAsync(this ProcessStartInfo start)
    {
        var data = Directory.CreateTempSubdirectory("hubapp-run-");
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        if (!start.Environment.TryGetValue("ConnectionStrings__Sqlite", out var sqlite) || string.IsNullOrEmpty(sqlite))
        {
            start.Environment["ConnectionStrings__Sqlite"] = $"Data Source={Path.Combine(data.FullName, "hubapp.db")}";
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().DefaultTimeout(TestTimeouts.Slow);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            data.Delete(recursive: true);
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
