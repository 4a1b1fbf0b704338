namespace HubApp.Contracts;

/// <summary>The JSON body of <c>POST /auth/token</c>, the development issuer (docs/protocol.md, "HTTP endpoints").</summary>
public sealed record DevTokenRequest(string? UserName);

/// <summary>The answer of <c>POST /auth/token</c>: the token, when it expires, and the user it names.</summary>
public sealed record DevToken(string AccessToken, DateTime ExpiresAt, string UserId, string UserName);
