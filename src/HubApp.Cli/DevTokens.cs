using System.Net.Http.Json;
using HubApp.Contracts;

namespace HubApp.Cli;

/// <summary>Gets tokens from a host's development issuer (<c>POST /auth/token</c>).</summary>
internal sealed class DevTokens(Uri server) : IDisposable
{
    private const int MaxNameLength = 32;

    private readonly HttpClient _http = new() { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };

    public async Task<DevToken> IssueAsync(string userName, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync("/auth/token", new DevTokenRequest(userName), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var detail = Detail(await response.Content.ReadAsStringAsync(cancellationToken));
            throw new InvalidOperationException(
                $"POST /auth/token for '{userName}' answered {(int)response.StatusCode}{(detail.Length > 0 ? $" ({detail})" : string.Empty)}. Pass --token, or enable Auth:DevTokens on the host.");
        }

        return (await response.Content.ReadFromJsonAsync<DevToken>(cancellationToken))!;
    }

    /// <summary>What is wrong with <paramref name="userName"/> as the issuer sees it (1–32 letters, digits, '_', '-', '.'), in one line; null when nothing.</summary>
    public static string? Problem(string userName)
    {
        if (userName.Length is 0 or > MaxNameLength)
        {
            return $"--user must be 1–{MaxNameLength} characters long; '{userName}' has {userName.Length}.";
        }

        var bad = userName.FirstOrDefault(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'));
        return bad == default
            ? null
            : $"--user may hold only letters, digits, '_', '-' and '.'; '{userName}' has '{bad}'.";
    }

    public void Dispose() => _http.Dispose();

    // A problem+json's detail (or title), else the body, on one line.
    private static string Detail(string body)
    {
        try
        {
            using var problem = System.Text.Json.JsonDocument.Parse(body);
            foreach (var name in new[] { "detail", "title" })
            {
                if (problem.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                    && problem.RootElement.TryGetProperty(name, out var value) && value.GetString() is { Length: > 0 } text)
                {
                    return text;
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        var line = body.ReplaceLineEndings(" ").Trim();
        return line.Length <= 200 ? line : line[..200];
    }
}
