using System.Text.RegularExpressions;
using HubApp.Testing;

namespace HubApp.Tests.Contracts;

/// <summary>
/// The browser client's copy of the contract (client/src/contract.ts) agrees with docs/protocol.md, which the other
/// tests hold to HubApp.Contracts: its method and event names, and the fields of each shape it declares, in order.
/// </summary>
public sealed partial class ProtocolClientContractTests
{
    private static readonly string Source = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "client", "src", "contract.ts"));
    private readonly ProtocolDocument _doc = ProtocolDocument.Load();

    [Fact]
    public void TheClientsMethodNamesAreTheDocumentedMethodsAndItsEventNamesAreTheDocumentedEvents()
    {
        var methods = ProtocolDocument.Rows(_doc.Section("Hub methods")).Select(r => ProtocolDocument.SingleCode(r[0]).Split('(')[0]).Order(StringComparer.Ordinal);
        var events = ProtocolDocument.Rows(_doc.Section("Server-to-client events")).Select(r => ProtocolDocument.SingleCode(r[0])).Order(StringComparer.Ordinal);

        Assert.Equal(methods, Values("HubMethods").Order(StringComparer.Ordinal));
        Assert.Equal(events, Values("ClientEvents").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EachShapeTheClientDeclaresHasTheDocumentedFieldsInOrder()
    {
        var interfaces = Interface().Matches(Source).ToDictionary(m => m.Groups[1].Value, m => Field().Matches(m.Groups[2].Value).Select(f => f.Groups[1].Value).ToArray(), StringComparer.Ordinal);
        var checkedShapes = 0;
        foreach (var (name, lines) in _doc.Subsections("Shapes"))
        {
            if (interfaces.TryGetValue(name, out var fields))
            {
                checkedShapes++;
                Assert.Equal(ProtocolDocument.Rows(lines).Select(r => ProtocolDocument.SingleCode(r[0])), fields);
            }
        }

        Assert.True(checkedShapes >= 12, $"only {checkedShapes} shapes found in contract.ts");
    }

    private static IEnumerable<string> Values(string constant)
    {
        var block = Regex.Match(Source, $@"export const {constant} = \{{(.*?)\}} as const;", RegexOptions.Singleline);
        Assert.True(block.Success, $"contract.ts has no {constant}.");
        return Entry().Matches(block.Groups[1].Value).Select(m => m.Groups[1].Value);
    }

    [GeneratedRegex(@"export interface (\w+) \{(.*?)\n\}", RegexOptions.Singleline)]
    private static partial Regex Interface();

    [GeneratedRegex(@"^\s+(\w+)\??:", RegexOptions.Multiline)]
    private static partial Regex Field();

    [GeneratedRegex("\\w+: \"(\\w+)\"")]
    private static partial Regex Entry();
}
