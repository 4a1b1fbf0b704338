using HubApp.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HubApp.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// Sending, editing and deleting room messages, and typing notices, with the single-node delivery of what is stored
    /// (a backplane engine, <c>AddChatBackplane</c>, replaces it with one that reaches every node, before or after this
    /// call). No section of its own: the text and rate limits are <c>Limits</c>'.
    /// </summary>
    public static WebApplicationBuilder AddChatMessaging(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<MessageService>();
        builder.Services.AddSingleton<MessageEditService>();
        builder.Services.AddSingleton<DirectLogService>();
        builder.Services.AddSingleton<MentionNotifier>();
        builder.Services.TryAddSingleton<IMessageDelivery, LocalMessageDelivery>();
        return builder;
    }
}
