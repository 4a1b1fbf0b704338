using System.Reflection;
using HubApp.Client;
using Microsoft.Extensions.Logging;

namespace HubApp.Tests.Telemetry;

/// <summary>
/// Log event ids are how operators filter and alert on a kind of event, so each names one event, and an id once given
/// is never given to another (as aspnetcore's <c>DefaultHubDispatcherLog</c> keeps them).
/// </summary>
public sealed class LogEventIdTests
{
    public static TheoryData<string> Assemblies => new() { "HubApp", "HubApp.Client" };

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void EveryLoggerMessageOfAnAssemblyHasAnEventIdOfItsOwn(string assemblyName)
    {
        var assembly = assemblyName == "HubApp" ? typeof(Program).Assembly : typeof(ChatClient).Assembly;
        var messages = assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: $"{m.DeclaringType!.Name}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .ToList();

        Assert.All(messages, m => Assert.True(m.Attribute!.EventId > 0, $"{m.Method} has no event id"));
        var shared = messages.GroupBy(m => m.Attribute!.EventId)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}")
            .ToList();
        Assert.True(shared.Count == 0, "event ids given to more than one log message: " + string.Join("; ", shared));
    }
}
