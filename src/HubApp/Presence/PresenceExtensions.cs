using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HubApp.Presence;

public static class PresenceExtensions
{
    /// <summary>
    /// Who is connected and in which rooms: this node's tracker, the connections between joining a room and being
    /// present in it, and the single-node directory (a backplane engine, <c>AddChatBackplane</c>, replaces it with one
    /// shared by every node, before or after this call), and the batches of presence for the connections that ask for them.
    /// No section of its own: the limits are <c>Limits</c>', and the batch window is the contract's.
    /// </summary>
    public static WebApplicationBuilder AddChatPresence(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<PresenceTracker>();
        builder.Services.AddOptions<PresenceBatchOptions>();
        builder.Services.AddSingleton<PresenceBatcher>();
        builder.Services.AddSingleton<JoiningConnections>();
        builder.Services.TryAddSingleton<IPresenceDirectory, LocalPresenceDirectory>();
        return builder;
    }
}
