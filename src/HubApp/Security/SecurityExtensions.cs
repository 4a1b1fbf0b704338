using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace HubApp.Security;

public static class SecurityExtensions
{
    /// <summary>
    /// CORS for the allowed browser origins (credentialed, as the SignalR browser client sends credentials), and
    /// no <c>Server</c> header: naming the server and its version only helps someone look up its known bugs.
    /// </summary>
    public static WebApplicationBuilder AddChatSecurity(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.AddServerHeader = false);
        builder.Services.AddOptions<CorsSettings>()
            .BindConfiguration(CorsSettings.SectionName)
            .Validate(s => s.AllowedOrigins.All(IsOrigin), "Cors:AllowedOrigins must hold origins such as https://chat.example.com (scheme, host and port only).")
            .ValidateOnStart();
        builder.Services.AddCors();
        builder.Services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<IOptions<CorsSettings>>((cors, settings) => cors.AddDefaultPolicy(policy => policy
                .WithOrigins(settings.Value.AllowedOrigins.Select(CorsSettings.Normalize).ToArray())
                .AllowCredentials()
                .AllowAnyHeader()
                .WithMethods("GET", "POST")));
        return builder;
    }

    public static IApplicationBuilder UseChatSecurity(this IApplicationBuilder app)
    {
        app.UseCors();
        app.UseMiddleware<OriginCheckMiddleware>();
        return app;
    }

    private static bool IsOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && uri.AbsolutePath == "/"
        && string.IsNullOrEmpty(uri.Query)
        && !origin.TrimEnd('/').EndsWith('?');
}
