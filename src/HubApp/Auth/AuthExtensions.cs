using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HubApp.Auth;

public static class AuthExtensions
{
    /// <summary>
    /// The authorization policy met by an admin: a token whose <c>role</c> claim holds <c>Auth:AdminRole</c>
    /// (docs/protocol.md, "Authentication").
    /// </summary>
    public const string AdminPolicy = "Admin";

    /// <summary>JWT bearer authentication for the API and the hub, and the development token issuer.</summary>
    public static WebApplicationBuilder AddChatAuthentication(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        builder.Services.AddSingleton<SigningKeyProvider>();
        // Keep "sub" and "name" as they are in the token instead of the WS-* claim URIs.
        builder.Services.AddSingleton(new OnceValidatedTokens(new JsonWebTokenHandler { MapInboundClaims = false }));
        builder.Services.AddSingleton<DevTokenIssuer>();
        builder.Services.AddSingleton<IUserIdProvider, SubjectUserIdProvider>();
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        // A hub connection's request lets its handlers go once the connection is up (ConnectedRequest).
        builder.Services.Replace(ServiceDescriptor.Scoped<IAuthenticationHandlerProvider, ReleasableHandlerProvider>());
        // Configured from AuthOptions only when first used, so that a broken configuration is reported by
        // options validation at start-up rather than by a key constructor.
        builder.Services.AddSingleton<IConfigureOptions<JwtBearerOptions>, ConfigureJwtBearer>();
        builder.Services.AddAuthorization();
        builder.Services.AddOptions<AuthorizationOptions>().Configure<IOptions<AuthOptions>>((authorization, auth) =>
            authorization.AddPolicy(AdminPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim(ChatClaims.Role, auth.Value.AdminRole)));
        return builder;
    }

    public static IEndpointRouteBuilder MapChatAuthentication(this IEndpointRouteBuilder app) => app.MapDevTokens();

    private sealed class ConfigureJwtBearer(IOptions<AuthOptions> auth, SigningKeyProvider keys, OnceValidatedTokens tokens, TimeProvider time) : IConfigureNamedOptions<JwtBearerOptions>
    {
        public void Configure(JwtBearerOptions options) => Configure(JwtBearerDefaults.AuthenticationScheme, options);

        public void Configure(string? name, JwtBearerOptions options)
        {
            if (name != JwtBearerDefaults.AuthenticationScheme)
            {
                return;
            }

            var settings = auth.Value;
            options.MapInboundClaims = false;
            // Nothing reads the token back from the authentication properties, which a hub connection keeps for its life.
            options.SaveToken = false;
            // A connection presents its token twice (negotiate, then the WebSocket request), and again on each reconnect.
            options.TokenHandlers.Clear();
            options.TokenHandlers.Add(tokens);
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidIssuer = settings.Issuer,
                ValidateAudience = true,
                ValidAudience = settings.Audience,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ValidateIssuerSigningKey = true,
                ClockSkew = settings.ClockSkew,
                NameClaimType = ChatClaims.Name,
            };

            if (string.IsNullOrEmpty(settings.Authority))
            {
                options.TokenValidationParameters.IssuerSigningKey = keys.Key;
                options.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
            }
            else
            {
                options.Authority = settings.Authority;
                options.Audience = settings.Audience;
            }

            options.Events = new JwtBearerEvents
            {
                OnMessageReceived = ReadHubTokenFromQuery,
                OnTokenValidated = context => RequireSubject(context, settings),
            };
        }

        // Browsers cannot set headers on WebSockets or EventSource, so hub requests and the room event stream may
        // carry the token in the query string; so may a download of an attachment (an <img> or a link cannot send a
        // header either); nothing else may, so that tokens do not leak into other URLs.
        private static Task ReadHubTokenFromQuery(MessageReceivedContext context)
        {
            var request = context.HttpContext.Request;
            if ((request.Path.StartsWithSegments("/hubs")
                    || (request.Path.StartsWithSegments("/api/attachments") && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
                    || IsEventStream(request))
                && string.IsNullOrEmpty(context.Token)
                && context.Request.Query.TryGetValue("access_token", out var token)
                && token.Count == 1)
            {
                context.Token = token[0];
            }

            return Task.CompletedTask;
        }

        // GET /api/rooms/{room}/events, and no other path under it.
        private static bool IsEventStream(HttpRequest request) =>
            HttpMethods.IsGet(request.Method)
            && request.Path.StartsWithSegments("/api/rooms", out var rest)
            && rest.Value is { } tail
            && tail.EndsWith("/events", StringComparison.Ordinal)
            && tail.Length > "/events".Length + 1
            && tail.IndexOf('/', 1) == tail.Length - "/events".Length;

        private Task RequireSubject(TokenValidatedContext context, AuthOptions settings)
        {
            // RFC 7515 §4.1.11: "crit" names header extensions the recipient must understand; this app understands none.
            if (context.SecurityToken is JsonWebToken jwt && jwt.TryGetHeaderValue<object>("crit", out _))
            {
                context.Fail("The token has a critical header extension this server does not understand.");
                return Task.CompletedTask;
            }

            var adminRole = settings.AdminRole;
            var userId = context.Principal.UserId();
            if (!ChatClaims.IsValidUserId(userId))
            {
                context.Fail("The token has no valid 'sub' claim.");
                return Task.CompletedTask;
            }

            // A hub connection keeps its principal for its whole life: keep the claims the app reads (and of
            // the roles only the admin one) rather than the parsed token and every claim in it (tens of
            // kilobytes per thousand connections). A role array arrives as one claim per element.
            var claims = new List<Claim>(3) { new(ChatClaims.Subject, userId!) };
            if (context.Principal!.FindFirst(ChatClaims.Name)?.Value is { } name)
            {
                claims.Add(new Claim(ChatClaims.Name, name));
            }

            if (context.Principal.HasClaim(ChatClaims.Role, adminRole))
            {
                claims.Add(new Claim(ChatClaims.Role, adminRole));
            }

            context.Principal = new ClaimsPrincipal(new ClaimsIdentity(claims, context.Scheme.Name, ChatClaims.Name, ChatClaims.Role));

            // SignalR closes a connection when this moment passes (CloseOnAuthenticationExpiration): the token's exp,
            // or sooner, so that a token valid for a century does not keep its connection open that long.
            var latest = time.GetUtcNow() + settings.MaxConnectionLifetime;
            if (context.Properties.ExpiresUtc is not { } expires || expires > latest)
            {
                context.Properties.ExpiresUtc = latest;
            }

            return Task.CompletedTask;
        }
    }
}
