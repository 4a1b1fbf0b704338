using HubApp.Api;
using HubApp.Contracts;
using HubApp.Storage;
using HubApp.Telemetry;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace HubApp.Attachments;

/// <summary>
/// Files and images (contract v3, "Attachments"): <see cref="AttachmentsOptions"/> checked at start, the content provider
/// of <c>Attachments:Provider</c>, uploads and downloads over HTTP (<see cref="AttachmentEndpoints"/>), and the sweep that
/// deletes what no one may download any more (<see cref="AttachmentSweeper"/>).
/// </summary>
public static class AttachmentsExtensions
{
    /// <summary>Where files are downloaded.</summary>
    public const string DownloadPath = "/api/attachments";

    /// <summary>What every answer about a file carries, errors included: nothing in it runs or is sniffed into something that runs.</summary>
    public const string ContentSecurityPolicy = "sandbox; default-src 'none'";

    public static WebApplicationBuilder AddChatAttachments(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<AttachmentsOptions>().BindConfiguration(AttachmentsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AttachmentsOptions>, AttachmentsOptionsValidator>();
        builder.Services.AddSingleton<IAttachmentContent>(services =>
            services.GetRequiredService<IOptions<AttachmentsOptions>>().Value.Provider == AttachmentsOptions.Postgres
                ? ActivatorUtilities.CreateInstance<PostgresAttachmentContent>(services)
                : ActivatorUtilities.CreateInstance<FileSystemAttachmentContent>(services));
        builder.Services.AddSingleton<ImageProcessor>();
        builder.Services.AddSingleton<AttachmentUploads>();
        builder.Services.AddSingleton<AttachmentAccess>();
        builder.Services.AddSingleton(services =>
        {
            var count = ActivatorUtilities.CreateInstance<AttachmentCount>(services);
            services.GetRequiredService<ChatMetrics>().ObserveAttachmentsStored(count.Read);
            return count;
        });
        builder.Services.AddSingleton<AttachmentSweeper>();
        builder.Services.AddSingleton<ICommitListener>(services => services.GetRequiredService<AttachmentSweeper>());
        builder.Services.AddHostedService(services => services.GetRequiredService<AttachmentSweeper>());
        return builder;
    }

    /// <summary>
    /// Early in the pipeline (before authentication, so that a 401 or 429 has them too): the headers of every answer about a
    /// file, and problem bodies for the bodiless ones.
    /// </summary>
    public static IApplicationBuilder UseChatAttachments(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseWhen(IsAttachmentPath, files => files
            .Use((context, next) =>
            {
                context.Response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
                context.Response.Headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
                return next(context);
            })
            .UseStatusCodePages());
    }

    public static WebApplication MapChatAttachments(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api").RequireAuthorization().AddEndpointFilter(ChatApiExtensions.RefusalFilterAsync).WithTags("Attachments");

        api.MapPost("/rooms/{room}/attachments", AttachmentEndpoints.UploadToRoomAsync)
            .RequireRateLimiting(ApiRateLimit.UploadPolicy)
            .WithName("UploadRoomAttachment")
            .WithSummary("Uploads one file for a room (multipart/form-data, part 'file').")
            .WithDescription(
                "The caller must be allowed to post in the room. 201 Attachment. 413 attachment_too_large over Attachments:MaxBytes; "
                + "415 invalid_attachment for an empty file or a bad name; 403 forbidden, muted; 429 rate_limited past "
                + "Limits:UploadsPerMinute.")
            .Produces<Attachment>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapPost("/direct/{userId}/attachments", AttachmentEndpoints.UploadToConversationAsync)
            .RequireRateLimiting(ApiRateLimit.UploadPolicy)
            .WithName("UploadDirectAttachment")
            .WithSummary("Uploads one file for the conversation with a user (multipart/form-data, part 'file').")
            .WithDescription("As the room upload; 400 invalid_user for a malformed user id.")
            .Produces<Attachment>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapMethods("/attachments/{id}", [HttpMethods.Get, HttpMethods.Head], AttachmentEndpoints.DownloadAsync)
            .AsRead()
            .WithName("DownloadAttachment")
            .WithSummary("A file, for its uploader before it is posted, then for whoever may read its room or conversation.")
            .WithDescription("Range, ETag, If-None-Match and HEAD are answered. 404 not_found for anyone else, the same as for an unknown id.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        api.MapMethods("/attachments/{id}/thumbnail", [HttpMethods.Get, HttpMethods.Head], AttachmentEndpoints.DownloadThumbnailAsync)
            .AsRead()
            .WithName("DownloadAttachmentThumbnail")
            .WithSummary("An image's thumbnail (JPEG or PNG, at most 320 px on its longer side); 404 for other files.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    private static bool IsAttachmentPath(HttpContext context)
    {
        var path = context.Request.Path;
        return path.StartsWithSegments(DownloadPath)
            || ((path.StartsWithSegments("/api/rooms") || path.StartsWithSegments("/api/direct"))
                && path.Value!.EndsWith("/attachments", StringComparison.Ordinal));
    }

    private sealed class AttachmentsOptionsValidator(IOptions<StorageOptions> storage) : IValidateOptions<AttachmentsOptions>
    {
        public ValidateOptionsResult Validate(string? name, AttachmentsOptions options) => options.Provider switch
        {
            AttachmentsOptions.FileSystem when string.IsNullOrWhiteSpace(options.Path) =>
                ValidateOptionsResult.Fail("Attachments:Path must be set when Attachments:Provider is 'filesystem'."),
            AttachmentsOptions.FileSystem => ValidateOptionsResult.Success,
            AttachmentsOptions.Postgres when storage.Value.Provider != StorageOptions.Postgres =>
                ValidateOptionsResult.Fail("Attachments:Provider 'postgres' needs Storage:Provider 'postgres'."),
            AttachmentsOptions.Postgres => ValidateOptionsResult.Success,
            _ => ValidateOptionsResult.Fail($"Attachments:Provider must be 'filesystem' or 'postgres', not '{options.Provider}'."),
        };
    }
}
