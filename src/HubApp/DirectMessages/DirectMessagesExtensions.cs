namespace HubApp.DirectMessages;

public static class DirectMessagesExtensions
{
    /// <summary>
    /// Reading direct messages back: GetDirectHistory, SyncDirectMessages, GetConversations. Sizes come from the
    /// <c>History</c> section (<c>AddChatHistory</c> binds it); the messages are in the history store.
    /// </summary>
    public static WebApplicationBuilder AddChatDirectMessages(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<DirectHistoryService>();
        return builder;
    }
}
