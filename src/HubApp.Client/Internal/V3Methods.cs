namespace HubApp.Client.Internal;

// The contract v3 method names, until HubApp.Contracts.HubMethods has them.
internal static class V3Methods
{
    public const string SearchMessages = nameof(SearchMessages);
    public const string SearchDirectMessages = nameof(SearchDirectMessages);
}
