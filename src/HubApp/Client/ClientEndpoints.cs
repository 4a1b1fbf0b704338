namespace HubApp.Client;

public static class ClientEndpoints
{
    /// <summary><c>GET /</c>: the browser client. Until it ships, a page that says where things are.</summary>
    public static IEndpointRouteBuilder MapChatClient(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Content(
            """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>HubApp</title></head>
            <body><h1>HubApp</h1>
            <p>The browser chat client is not built yet. The hub is at <code>/hubs/chat</code>;
            get a development token with <code>POST /auth/token</code>.</p></body></html>
            """,
            "text/html; charset=utf-8"));
        return app;
    }
}
