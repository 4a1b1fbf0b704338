using HubApp.Errors;
using HubApp.Storage;
using Microsoft.AspNetCore.SignalR;

namespace HubApp.Hubs;

/// <summary>
/// The one mapping from what the services throw to what the contract promises clients (docs/protocol.md,
/// "Error codes"): a <see cref="ChatRefusedException"/> as it is, a <see cref="StoreUnavailableException"/> as
/// <c>unavailable</c>, each sent as a HubException whose message is "code: text". Anything else is a fault.
/// </summary>
internal static class HubErrors
{
    /// <summary>The refusal that <paramref name="exception"/> stands for, or null when it is a server fault.</summary>
    public static ChatRefusedException? AsRefusal(Exception exception) => exception switch
    {
        ChatRefusedException refusal => refusal,
        StoreUnavailableException unavailable => ChatErrors.Unavailable(unavailable),
        _ => null,
    };

    /// <summary>The refusal as clients receive it.</summary>
    public static HubException ToHubException(ChatRefusedException refusal) => new($"{refusal.Code}: {refusal.Text}", refusal);
}
