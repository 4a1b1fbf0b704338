using System.Text.RegularExpressions;
using HubApp.Testing;

namespace HubApp.Tests.Architecture;

/// <summary>
/// The feature folders of src/HubApp depend on each other one way: the graph of their <c>using HubApp.*</c> lines (a
/// folder's namespace is its name) has no cycle. The build reports usings that are not needed (IDE0005), so each line
/// stands for a real use.
/// </summary>
public sealed partial class FolderDependencyTests
{
    private static readonly string Source = Path.Combine(RepositoryRoot.Path, "src", "HubApp");

    [Fact]
    public void TheFeatureFoldersDependOnEachOtherOneWay()
    {
        var cycles = Cycles(FolderGraph());

        Assert.True(cycles.Count == 0, "Folder cycles: " + string.Join("; ", cycles.Select(c => string.Join(" → ", c.Append(c[0])))));
    }

    [Fact]
    public void EveryFileDeclaresTheNamespaceOfItsFolder()
    {
        var misplaced = FeatureFolders()
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(Source, folder), "*.cs", SearchOption.AllDirectories))
            .Where(file => Namespace().Match(File.ReadAllText(file)).Groups["name"].Value != NamespaceOf(Path.GetDirectoryName(file)!))
            .Select(file => Path.GetRelativePath(Source, file))
            .ToList();

        Assert.Empty(misplaced);
    }

    [Fact]
    public void ACycleIsFoundAndNamed()
    {
        var graph = new Dictionary<string, IReadOnlySet<string>>
        {
            ["Rooms"] = new HashSet<string> { "Messaging", "Storage" },
            ["Messaging"] = new HashSet<string> { "Sending", "Rooms" },
            ["Sending"] = new HashSet<string>(),
            ["Storage"] = new HashSet<string>(),
        };

        var cycle = Assert.Single(Cycles(graph));
        Assert.Equal(["Messaging", "Rooms"], cycle.Order(StringComparer.Ordinal));
    }

    /// <summary>Each feature folder and the other folders its files name in a <c>using HubApp.X</c> line.</summary>
    private static Dictionary<string, IReadOnlySet<string>> FolderGraph()
    {
        var folders = FeatureFolders().ToHashSet(StringComparer.Ordinal);
        return folders.ToDictionary(
            folder => folder,
            folder => (IReadOnlySet<string>)Directory.EnumerateFiles(Path.Combine(Source, folder), "*.cs", SearchOption.AllDirectories)
                .SelectMany(file => UsingOfFolder().Matches(File.ReadAllText(file)).Select(m => m.Groups["folder"].Value))
                .Where(used => used != folder && folders.Contains(used))
                .ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    private static IEnumerable<string> FeatureFolders() =>
        Directory.EnumerateDirectories(Source)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => name is not ("bin" or "obj" or "Properties"))
            .Order(StringComparer.Ordinal);

    /// <summary>The graph's cycles: its strongly connected components of more than one folder (Tarjan's algorithm).</summary>
    private static List<List<string>> Cycles(IReadOnlyDictionary<string, IReadOnlySet<string>> graph)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var cycles = new List<List<string>>();

        void Visit(string folder)
        {
            index[folder] = low[folder] = index.Count;
            stack.Push(folder);
            foreach (var next in graph[folder].Order(StringComparer.Ordinal))
            {
                if (!index.TryGetValue(next, out var seen))
                {
                    Visit(next);
                    low[folder] = Math.Min(low[folder], low[next]);
                }
                else if (stack.Contains(next))
                {
                    low[folder] = Math.Min(low[folder], seen);
                }
            }

            if (low[folder] == index[folder])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    component.Add(member);
                }
                while (member != folder);

                if (component.Count > 1)
                {
                    component.Reverse();
                    cycles.Add(component);
                }
            }
        }

        foreach (var folder in graph.Keys.Order(StringComparer.Ordinal).Where(f => !index.ContainsKey(f)))
        {
            Visit(folder);
        }

        return cycles;
    }

    [GeneratedRegex(@"^using HubApp\.(?<folder>\w+)(\.[\w.]+)?;", RegexOptions.Multiline)]
    private static partial Regex UsingOfFolder();

    /// <summary>The namespace of the files in <paramref name="directory"/>: <c>HubApp.Backplane.Redis</c> for src/HubApp/Backplane/Redis.</summary>
    private static string NamespaceOf(string directory) =>
        "HubApp." + Path.GetRelativePath(Source, directory).Replace(Path.DirectorySeparatorChar, '.');

    [GeneratedRegex(@"^namespace (?<name>[\w.]+);", RegexOptions.Multiline)]
    private static partial Regex Namespace();
}
