using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace HubApp.Api;

/// <summary>
/// The OpenAPI document (served in Development, <see cref="ChatApiExtensions.OpenApiPath"/>): the rooms and files API alone, whose every
/// operation takes the hub's bearer tokens. The hub, the dev token issuer and the probes are described by the contract.
/// </summary>
internal static class ApiDocument
{
    /// <summary>The document's name for the bearer scheme.</summary>
    public const string BearerScheme = "Bearer";

    /// <summary>The routes described: the rooms' messages and directory, and the uploads and downloads of files.</summary>
    private static readonly string[] DocumentedPaths = ["api/rooms", "api/direct/", "api/attachments/"];

    public static void Configure(OpenApiOptions openApi)
    {
        openApi.ShouldInclude = description => description.RelativePath is { } path && DocumentedPaths.Any(p => path.StartsWith(p, StringComparison.Ordinal));
        openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A token of the hub's scheme (Auth:SigningKey or Auth:Authority); its sub is the user who posts.",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] });
            return Task.CompletedTask;
        });
    }
}
