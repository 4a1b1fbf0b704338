using System.Reflection;
using System.Text.Json;
using HubApp.Contracts;
using HubApp.Hubs;
using MessagePack;

namespace HubApp.Tests.Contracts;

/// <summary>
/// docs/protocol.md says exactly what HubApp.Contracts and the hub are: every hub method with its arguments and result,
/// every event with its payload, every shape with its wire fields and types, every string value and every error code,
/// and nothing that does not exist. A method, event, field or code added or removed on either side fails it.
/// </summary>
public sealed class ProtocolDocumentTests
{
    private const string None = "none";
    private static readonly Assembly Contracts = typeof(ChatMessage).Assembly;
    private readonly ProtocolDocument _doc = ProtocolDocument.Load();

    [Fact]
    public void EveryHubMethodIsDocumentedWithItsArgumentsAndResultAndNothingElseIs()
    {
        var hub = typeof(ChatHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.GetBaseDefinition().DeclaringType == typeof(ChatHub))
            .ToArray();
        var constants = Constants(typeof(HubMethods)).Where(c => c.Name != nameof(HubMethods.Path)).Select(c => c.Value).Order(StringComparer.Ordinal);
        var documented = ProtocolDocument.Rows(_doc.Section("Hub methods"))
            .Select(row => $"{ProtocolDocument.SingleCode(row[0])} -> {Result(row[1])}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(hub.Select(m => m.Name).Order(StringComparer.Ordinal), constants);
        Assert.Equal(hub.Select(Signature).Order(StringComparer.Ordinal), documented);
    }

    [Fact]
    public void EveryErrorCodeAHubMethodRowNamesExists()
    {
        var codes = Constants(typeof(ErrorCodes)).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);

        foreach (var row in ProtocolDocument.Rows(_doc.Section("Hub methods")))
        {
            Assert.All(ProtocolDocument.Code(row[2]), code => Assert.True(codes.Contains(code), $"{row[0]} names `{code}`, which is no error code."));
        }
    }

    [Fact]
    public void EveryEventIsDocumentedWithItsPayloadAndNothingElseIs()
    {
        var events = typeof(IChatClient).GetMethods().Select(m => $"{m.Name}({Wire(m.GetParameters().Single())})").Order(StringComparer.Ordinal);
        var documented = ProtocolDocument.Rows(_doc.Section("Server-to-client events"))
            .Select(row => $"{ProtocolDocument.SingleCode(row[0])}({ProtocolDocument.SingleCode(row[1])})")
            .Order(StringComparer.Ordinal);

        Assert.Equal(events, documented);
    }

    [Fact]
    public void EveryShapeIsDocumentedWithItsWireFieldsInOrderAndNothingElseIs()
    {
        var shapes = Records().ToDictionary(t => t.Name, t => Fields(t).Select(f => $"{f.Name}: {f.Type}").ToArray(), StringComparer.Ordinal);
        var documented = _doc.Subsections("Shapes").ToDictionary(
            s => s.Title,
            s => ProtocolDocument.Rows(s.Lines).Select(row => $"{ProtocolDocument.SingleCode(row[0])}: {ProtocolDocument.SingleCode(row[1])}").ToArray(),
            StringComparer.Ordinal);

        Assert.Equal(shapes.Keys.Order(StringComparer.Ordinal), documented.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, fields) in shapes)
        {
            Assert.True(fields.SequenceEqual(documented[name]), $"{name}: the code has {string.Join(", ", fields)}; the document {string.Join(", ", documented[name])}.");
        }
    }

    [Fact]
    public void TheMessagePackKeyOfEveryFieldIsItsJsonName()
    {
        foreach (var property in Records().SelectMany(t => t.GetProperties()))
        {
            if (property.GetCustomAttribute<KeyAttribute>() is { } key)
            {
                Assert.Equal(JsonNamingPolicy.CamelCase.ConvertName(property.Name), key.StringKey);
            }
        }

        Assert.All(Records().Where(t => t.GetProperties().Any(p => p.GetCustomAttribute<KeyAttribute>() is not null)), t => Assert.NotNull(t.GetCustomAttribute<MessagePackObjectAttribute>()));
    }

    [Fact]
    public void EveryStringValueIsDocumentedForTheFieldsThatTakeItAndNothingElseIs()
    {
        var fields = Records().SelectMany(t => Fields(t).Select(f => (Field: $"{t.Name}.{f.Name}", f.Type))).ToDictionary(f => f.Field, f => f.Type, StringComparer.Ordinal);
        var values = Contracts.GetExportedTypes()
            .Where(t => t is { IsAbstract: true, IsSealed: true } && t != typeof(ErrorCodes) && t != typeof(HubMethods))
            .ToDictionary(t => t.Name, t => string.Join(", ", Constants(t).Select(c => c.Value)), StringComparer.Ordinal);
        var rows = ProtocolDocument.Rows(_doc.Section("String values"));

        Assert.Equal(values.Keys.Order(StringComparer.Ordinal), rows.Select(r => ProtocolDocument.SingleCode(r[0])).Order(StringComparer.Ordinal));
        foreach (var row in rows)
        {
            var name = ProtocolDocument.SingleCode(row[0]);
            Assert.Equal(values[name], string.Join(", ", ProtocolDocument.Code(row[2]).Select(v => v.Trim('"'))));
            Assert.All(ProtocolDocument.Code(row[1]), field => Assert.True(fields.TryGetValue(field, out var type) && type.StartsWith("string", StringComparison.Ordinal), $"{name}: `{field}` is no string field of a shape."));
        }
    }

    [Fact]
    public void EveryErrorCodeIsDocumentedAndNothingElseIs()
    {
        var codes = Constants(typeof(ErrorCodes)).Select(c => c.Value).Order(StringComparer.Ordinal);
        var documented = ProtocolDocument.Rows(_doc.Section("Error codes")).Select(row => ProtocolDocument.SingleCode(row[0])).Order(StringComparer.Ordinal);

        Assert.Equal(codes, documented);
    }

    [Fact]
    public void TheDocumentNamesTheHubsPath() => Assert.Contains($"`{HubMethods.Path}`", _doc.Text, StringComparison.Ordinal);

    private static string Result(string cell) => cell.StartsWith(None, StringComparison.Ordinal) ? None : ProtocolDocument.Code(cell)[0];

    private static string Signature(MethodInfo method) =>
        $"{method.Name}({string.Join(", ", method.GetParameters().Select(p => $"{p.Name}: {Wire(p)}"))}) -> {Wire(method.ReturnParameter)}";

    private static IEnumerable<Type> Records() => Contracts.GetExportedTypes().Where(t => t.GetMethod("<Clone>$") is not null);

    /// <summary>A shape's properties as they are on the wire: the MessagePack key (the JSON name, see above), in declaration order.</summary>
    private static IEnumerable<(string Name, string Type)> Fields(Type record) =>
        record.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken).Select(p =>
            (p.GetCustomAttribute<KeyAttribute>()?.StringKey ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name), Wire(new NullabilityInfoContext().Create(p))));

    private static IEnumerable<(string Name, string Value)> Constants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (f.Name, (string)f.GetRawConstantValue()!));

    private static string Wire(ParameterInfo parameter) => Wire(new NullabilityInfoContext().Create(parameter));

    /// <summary>The document's name for a type: JSON's words, "timestamp" for a time, T[] for a list, {string: T} for a map, "| null" when it may be null.</summary>
    private static string Wire(NullabilityInfo info)
    {
        var type = info.Type;
        if (type == typeof(void) || type == typeof(Task))
        {
            return None;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Task<>))
        {
            return Wire(info.GenericTypeArguments[0]);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            return Wire(info.GenericTypeArguments[0]) + "[]" + (info.ReadState == NullabilityState.Nullable ? " | null" : string.Empty);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
        {
            return $"{{string: {Wire(info.GenericTypeArguments[1])}}}" + (info.ReadState == NullabilityState.Nullable ? " | null" : string.Empty);
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying) + " | null";
        }

        return Name(type) + (info.ReadState == NullabilityState.Nullable ? " | null" : string.Empty);
    }

    private static string Name(Type type) => type switch
    {
        _ when type == typeof(string) => "string",
        _ when type == typeof(long) || type == typeof(int) => "number",
        _ when type == typeof(bool) => "boolean",
        _ when type == typeof(DateTime) => "timestamp",
        _ when type.Assembly == Contracts => type.Name,
        _ => throw new Xunit.Sdk.XunitException($"docs/protocol.md has no word for {type}: add one here and in the document's Types section."),
    };
}
