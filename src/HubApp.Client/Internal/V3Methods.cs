namespace HubApp.Client.Internal;

// The contract v3 method names, until HubApp.Contracts.HubMethods has them.
internal static class V3Methods
{
    public const string Post = nameof(Post);
    public const string GetThread = nameof(GetThread);
    public const string GetMessages = nameof(GetMessages);
    public const string SearchMessages = nameof(SearchMessages);
    public const string SearchDirectMessages = nameof(SearchDirectMessages);
}
