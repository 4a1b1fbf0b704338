using System.Text.RegularExpressions;
using HubApp.Contracts;
using Microsoft.Extensions.Options;

namespace HubApp.Auth;

internal static partial class DevTokenEndpoints
{
    public static IEndpointRouteBuilder MapDevTokens(this IEndpointRouteBuilder app)
    {
        app.MapPost("/auth/token", (DevTokenRequest? request, IOptions<AuthOptions> options, DevTokenIssuer issuer) =>
        {
            if (!options.Value.DevTokens.Enabled)
            {
                return Results.NotFound();
            }

            var name = request?.UserName;
            if (name is null || !UserNamePattern().IsMatch(name))
            {
                return Results.Problem(
                    title: "invalid_user",
                    detail: "userName must be 1–32 characters of letters, digits, '_', '-' or '.'.",
                    statusCode: StatusCodes.Status400BadRequest);
            }

            return Results.Ok(issuer.Issue(name));
        }).AllowAnonymous();
        return app;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{1,32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex UserNamePattern();
}
