namespace HubApp.Health;

public static class HealthEndpoints
{
    /// <summary>The path load balancers and orchestrators probe.</summary>
    public const string Path = "/health";

    /// <summary>
    /// <c>GET /health</c> (and <c>HEAD</c>): ASP.NET Core's health checks, which each feature registers for
    /// what it depends on (the store, the backplane). Other methods get 405, as a probe never sends them.
    /// </summary>
    public static IEndpointRouteBuilder MapChatHealth(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks(Path).WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));
        return app;
    }
}
