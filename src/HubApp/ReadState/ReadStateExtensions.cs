namespace HubApp.ReadState;

public static class ReadStateExtensions
{
    /// <summary>
    /// Read markers: MarkRead, MarkDirectRead (a JoinRoom snapshot reads them through Rooms). Kept by the history store (a table of its
    /// own in the same database, schema version 3: <c>AddChatStorage</c> registers it), so it needs no section of its own.
    /// </summary>
    public static WebApplicationBuilder AddChatReadState(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<ReadStateService>();
        return builder;
    }
}
