namespace HubApp.Backplane;

/// <summary>This process's name among the nodes, fresh on every start: in presence rows, envelopes and logs.</summary>
internal sealed class NodeIdentity
{
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
}
