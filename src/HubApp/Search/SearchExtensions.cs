using HubApp.Storage;

namespace HubApp.Search;

public static class SearchExtensions
{
    /// <summary>
    /// Search of rooms and direct messages (SearchMessages, SearchDirectMessages) on the history store's own full-text
    /// index (<see cref="ISearchStore"/>, which <c>AddChatStorage</c>'s store serves). No section of its own: the sizes are
    /// the contract's, the read allowance <c>Limits</c>'.
    /// </summary>
    public static WebApplicationBuilder AddChatSearch(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<ISearchStore>(services => services.GetRequiredService<RelationalMessageStore>());
        builder.Services.AddSingleton<SearchService>();
        return builder;
    }
}
