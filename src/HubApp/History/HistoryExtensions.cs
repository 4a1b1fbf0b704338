namespace HubApp.History;

public static class HistoryExtensions
{
    /// <summary>
    /// Reading room history back (JoinRoom's snapshot, GetHistory) and the sizes of what a client gets, from section
    /// <c>History</c> (<see cref="HistoryOptions"/>; how much the store keeps is <c>AddChatStorage</c>'s):
    /// <code>
    /// "History": { "JoinCount": 50, "MaxCatchUp": 500 }
    /// </code>
    /// </summary>
    public static WebApplicationBuilder AddChatHistory(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<HistoryOptions>().BindConfiguration(HistoryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<HistoryService>();
        return builder;
    }
}
