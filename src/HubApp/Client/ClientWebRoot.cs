namespace HubApp.Client;

/// <summary>
/// Where the built browser client (<c>client/dist</c>, the output of <c>npm run build</c>) is read from: the
/// <c>wwwroot</c> folder that the build copies beside the binaries (<c>dotnet run</c>, a published app), else
/// <c>client/dist</c> under the content root (the repository root, for the test hosts whose binaries live
/// elsewhere). Null when neither holds an <c>index.html</c>: the client was not built.
/// </summary>
internal static class ClientWebRoot
{
    public const string IndexFile = "index.html";

    public static string? Find(string contentRoot)
    {
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, "wwwroot"),
            Path.Combine(contentRoot, "client", "dist"),
        ];
        return candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, IndexFile)));
    }
}
