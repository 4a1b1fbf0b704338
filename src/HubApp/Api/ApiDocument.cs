using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace HubApp.Api;

/// <summary>
/// The OpenAPI document (served in Development, <see cref="ChatApiExtensions.OpenApiPath"/>): the API under <c>/api</c> alone, whose every
/// operation takes the hub's bearer tokens. The hub, the dev token issuer and the probes are described by the contract.
/// </summary>
internal static class ApiDocument
{
    /// <summary>The document's name for the bearer scheme.</summary>
    public const string BearerScheme = "Bearer";

    public static void Configure(OpenApiOptions openApi)
    {
        openApi.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
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
