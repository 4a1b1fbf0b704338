namespace HubApp.Testing;

/// <summary>The checkout's root (where HubApp.sln is): the host's content root, as with `dotnet run`.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "HubApp.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("HubApp.sln not found above " + AppContext.BaseDirectory);
    }
}
