using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Npgsql;

namespace HubApp.Configuration;

/// <summary>
/// Starts the host and, when it cannot start (the port in use, the store unreachable or unwritable), says why in one
/// line and exits with code 1 instead of the host's logged stack trace.
/// </summary>
public static class HostStart
{
    /// <summary>The generic host's category: it logs a start-up failure with its stack trace ("Hosting failed to start").</summary>
    internal const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>Runs the host until it shuts down; returns the process's exit code.</summary>
    public static int RunChat(this WebApplication app, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var gate = app.Services.GetRequiredService<StartGate>();
        gate.Starting = true;
        try
        {
            app.StartAsync().GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            (error ?? Console.Error).WriteLine($"HubApp cannot start: {Describe(ex)}");
            return 1;
        }
        finally
        {
            gate.Starting = false;
        }

        app.WaitForShutdown();
        return 0;
    }

    /// <summary>One line for a start-up failure, naming what to change; never a connection string (it may hold a password).</summary>
    internal static string Describe(Exception exception)
    {
        foreach (var ex in Chain(exception))
        {
            switch (ex)
            {
                case IOException { InnerException: AddressInUseException } bind:
                    return $"{bind.Message.TrimEnd('.')} (choose another with --urls or ASPNETCORE_URLS).";
                case NpgsqlException postgres:
                    return $"PostgreSQL (ConnectionStrings:Postgres) cannot be reached: {postgres.Message.TrimEnd('.')}.";
                case Microsoft.Data.Sqlite.SqliteException sqlite:
                    return $"the SQLite store (ConnectionStrings:Sqlite) cannot be opened or written: {sqlite.Message.TrimEnd('.')}.";
                case SocketException socket:
                    return $"{socket.Message.TrimEnd('.')}.";
            }
        }

        var innermost = Chain(exception).Last();
        return $"{innermost.GetType().Name}: {innermost.Message}".ReplaceLineEndings(" ");
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is AggregateException aggregate && aggregate.InnerExceptions.Count > 0)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }

                yield break;
            }

            yield return ex;
        }
    }
}

/// <summary>
/// Open except while <see cref="HostStart.RunChat"/> starts the host: then the host's own error line for a failed
/// start is held back, since RunChat prints the one-line reason instead. Later errors of that category (a background
/// service that fails) are logged as usual, and so are all of them for hosts started otherwise (tests).
/// </summary>
internal sealed class StartGate
{
    public volatile bool Starting;
}
