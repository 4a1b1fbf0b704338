using System.Net.Http.Json;

namespace HubApp.Cli;

/// <summary>Gets tokens from a host's development issuer (<c>POST /auth/token</c>).</summary>
internal sealed class DevTokens(Uri server) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };

    public async Task<DevToken> IssueAsync(string userName, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync("/auth/token", new { userName }, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var detail = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException(
                $"POST /auth/token for '{userName}' answered {(int)response.StatusCode}: {detail}. Pass --token, or enable Auth:DevTokens on the host.");
        }

        return (await response.Content.ReadFromJsonAsync<DevToken>(cancellationToken))!;
    }

    public void Dispose() => _http.Dispose();
}

internal sealed record DevToken(string AccessToken, DateTime ExpiresAt, string UserId, string UserName);
