using System.IO.Pipelines;

namespace HubApp.Client.Transport;

/// <summary>One side of a connection: what it reads and where it writes.</summary>
internal sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    public PipeReader Input { get; } = input;

    public PipeWriter Output { get; } = output;
}
