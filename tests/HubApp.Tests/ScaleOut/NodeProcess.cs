using HubApp.Testing;

namespace HubApp.Tests.ScaleOut;

/// <summary>
/// One HubApp node as a real process (<see cref="HostProcess"/>) on a shared PostgreSQL store and (unless the
/// settings name another) backplane, with short heartbeats so that the other nodes notice quickly when it dies.
/// </summary>
internal sealed class NodeProcess : HostProcess
{
    /// <summary>How long a node's graceful stop may take (<c>HostOptions:ShutdownTimeout</c>).</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(10);

    private NodeProcess(string name, int port, System.Diagnostics.Process process)
        : base(name, port, process)
    {
    }

    /// <param name="port">A free port by default; a restarted node takes its old one, where its clients reconnect.</param>
    public static Task<NodeProcess> StartAsync(string name, string postgres, IDictionary<string, string>? settings = null, int? port = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["Storage__Provider"] = "postgres",
            ["Backplane__Provider"] = "postgres",
            ["ConnectionStrings__Postgres"] = postgres,
            ["Backplane__HeartbeatInterval"] = "00:00:01",
            ["Backplane__NodeTimeout"] = "00:00:04",
            ["Backplane__MaxReconnectDelay"] = "00:00:01",
            ["HostOptions__ShutdownTimeout"] = ShutdownTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return StartAsync(name, environment, port, fileSizeLimitable: false, (n, port, process) => new NodeProcess(n, port, process));
    }
}
