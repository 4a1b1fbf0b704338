namespace HubApp.Client;

/// <summary>Where a <see cref="ChatClient"/> is in its lifetime.</summary>
public enum ChatConnectionState
{
    /// <summary>Not started, stopped by the app, or reconnecting gave up.</summary>
    Disconnected,

    /// <summary><see cref="ChatClient.StartAsync"/> is in progress.</summary>
    Connecting,

    /// <summary>Connected; hub methods may be invoked.</summary>
    Connected,

    /// <summary>The connection was lost; the client is connecting again and rejoining its rooms.</summary>
    Reconnecting,
}
