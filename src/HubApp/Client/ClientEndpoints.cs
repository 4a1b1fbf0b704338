using HubApp.Limits;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace HubApp.Client;

public static class ClientEndpoints
{
    // Vite names every asset after its content hash: cacheable for good. index.html names the current ones.
    private const string ImmutableCache = "public, max-age=31536000, immutable";
    private const string NoCache = "no-cache";

    /// <summary>The security headers on every response, then the built client's static files.</summary>
    public static IApplicationBuilder UseChatClient(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<ClientSecurityHeaders>();
        var root = ClientWebRoot.Find(app.ApplicationServices.GetRequiredService<IWebHostEnvironment>().ContentRootPath);
        if (root is not null)
        {
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(root),
                OnPrepareResponse = file => file.Context.Response.Headers[HeaderNames.CacheControl] =
                    file.Context.Request.Path.StartsWithSegments("/assets") ? ImmutableCache : NoCache,
            });
        }

        return app;
    }

    /// <summary><c>GET /</c>: the browser client; <c>GET /app-config.json</c>: the limits it shows as you type.</summary>
    public static IEndpointRouteBuilder MapChatClient(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var root = ClientWebRoot.Find(app.ServiceProvider.GetRequiredService<IWebHostEnvironment>().ContentRootPath);
        app.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], (HttpContext context) =>
        {
            if (root is null)
            {
                return Results.Text(
                    "The browser client is not built: run `npm ci && npm run build` in client/ (a `dotnet build` of src/HubApp does it).",
                    "text/plain; charset=utf-8",
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            context.Response.Headers[HeaderNames.CacheControl] = NoCache;
            return Results.File(Path.Combine(root, ClientWebRoot.IndexFile), "text/html; charset=utf-8");
        }).AllowAnonymous();
        app.MapGet("/app-config.json", (IOptions<LimitsOptions> limits) => Results.Ok(new { limits.Value.MaxMessageLength }))
            .AllowAnonymous();
        return app;
    }
}
