using System.Runtime.CompilerServices;

namespace HubApp.Testing;

/// <summary>
/// The bound on every await in a test, as aspnetcore's <c>DefaultTimeout</c>: <c>await task.DefaultTimeout()</c> waits at
/// most <see cref="TestTimeouts.Default"/> (or the timeout given), and a timeout names the awaited expression and the
/// file and line that awaited it. What the task itself throws passes through unchanged.
/// </summary>
public static class TaskTimeoutExtensions
{
    public static Task DefaultTimeout(this Task task, [CallerArgumentExpression(nameof(task))] string expression = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        task.DefaultTimeout(TestTimeouts.Default, expression, file, line);

    public static async Task DefaultTimeout(this Task task, TimeSpan timeout, [CallerArgumentExpression(nameof(task))] string expression = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        try
        {
            await task.WaitAsync(timeout);
        }
        catch (TimeoutException timedOut) when (!task.IsCompleted)
        {
            throw Timeout(timedOut, timeout, expression, file, line);
        }
    }

    public static Task<T> DefaultTimeout<T>(this Task<T> task, [CallerArgumentExpression(nameof(task))] string expression = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        task.DefaultTimeout(TestTimeouts.Default, expression, file, line);

    public static async Task<T> DefaultTimeout<T>(this Task<T> task, TimeSpan timeout, [CallerArgumentExpression(nameof(task))] string expression = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        try
        {
            return await task.WaitAsync(timeout);
        }
        catch (TimeoutException timedOut) when (!task.IsCompleted)
        {
            throw Timeout(timedOut, timeout, expression, file, line);
        }
    }

    public static Task DefaultTimeout(this ValueTask task, [CallerArgumentExpression(nameof(task))] string expression = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        task.AsTask().DefaultTimeout(TestTimeouts.Default, expression, file, line);

    public static Task<T> DefaultTimeout<T>(this ValueTask<T> task, [CallerArgumentExpression(nameof(task))] string expression = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        task.AsTask().DefaultTimeout(TestTimeouts.Default, expression, file, line);

    private static TimeoutException Timeout(TimeoutException timedOut, TimeSpan timeout, string expression, string file, int line) =>
        new($"{expression} did not complete within {timeout.TotalSeconds:0.###} s ({Path.GetFileName(file)}:{line}).", timedOut);
}
