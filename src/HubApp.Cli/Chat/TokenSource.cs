using HubApp.Contracts;

namespace HubApp.Cli.Chat;

/// <summary>
/// The token for each (re)connect: a given one as is, or a development token fetched again once the
/// last one is within a minute of expiring, so that reconnects after expiry succeed.
/// </summary>
internal sealed class TokenSource(Uri server, string? userName, string? token) : IDisposable
{
    private readonly DevTokens _issuer = new(server);
    private DevToken? _current;

    public async ValueTask<string?> GetAsync(CancellationToken cancellationToken)
    {
        if (token is not null)
        {
            return token;
        }

        if (_current is null || _current.ExpiresAt - DateTime.UtcNow < TimeSpan.FromMinutes(1))
        {
            _current = await _issuer.IssueAsync(userName!, cancellationToken);
        }

        return _current.AccessToken;
    }

    public void Dispose() => _issuer.Dispose();
}
