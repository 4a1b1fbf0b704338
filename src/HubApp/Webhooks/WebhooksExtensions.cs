using HubApp.Api;
using HubApp.Auth;
using Microsoft.Extensions.Options;

namespace HubApp.Webhooks;

public static class WebhooksExtensions
{
    /// <summary>The route group of the admin API.</summary>
    public const string Path = "/api/webhooks";

    /// <summary>
    /// Webhooks (docs/integrations.md): options from section <c>Webhooks</c> (<see cref="WebhooksOptions"/>, whose comment
    /// shows its shape), the named HTTP client of the POSTs and the delivery service. Needs <see cref="MapChatWebhooks"/>.
    /// </summary>
    public static WebApplicationBuilder AddChatWebhooks(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<WebhooksOptions>().BindConfiguration(WebhooksOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<WebhooksOptions>, WebhooksOptionsValidator>();
        builder.Services.AddHttpClient(WebhookSender.ClientName)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // A receiver must not send the host elsewhere (an address inside the network, say): a 3xx is a failure.
                AllowAutoRedirect = false,
                MaxResponseDrainSize = WebhookSender.MaxDrainBytes,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            // The factory's request logs would print each URL, and an admin may have put a credential in one.
            .RemoveAllLoggers();
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddSingleton<WebhookMetrics>();
        builder.Services.AddHostedService<WebhookDelivery>();
        return builder;
    }

    /// <summary><c>POST</c>, <c>GET /api/webhooks</c> and <c>DELETE /api/webhooks/{id}</c>: admin tokens only (others 403, none 401).</summary>
    public static WebApplication MapChatWebhooks(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var webhooks = app.MapGroup(Path)
            .RequireAuthorization(AuthExtensions.AdminPolicy)
            .AddEndpointFilter(ChatApiExtensions.RefusalFilterAsync)
            .WithTags("Webhooks");
        webhooks.MapPost(string.Empty, WebhookEndpoints.CreateAsync).WithName("CreateWebhook").WithSummary("Registers a webhook; the answer holds its secret.");
        webhooks.MapGet(string.Empty, WebhookEndpoints.ListAsync).WithName("ListWebhooks").WithSummary("The webhooks, without their secrets.");
        webhooks.MapDelete("/{id}", WebhookEndpoints.DeleteAsync).WithName("DeleteWebhook").WithSummary("Removes a webhook and its cursors.");
        return app;
    }

    private sealed class WebhooksOptionsValidator : IValidateOptions<WebhooksOptions>
    {
        public ValidateOptionsResult Validate(string? name, WebhooksOptions options)
        {
            var failures = new List<string>();
            if (options.AllowedHosts.Any(string.IsNullOrWhiteSpace))
            {
                failures.Add("Webhooks:AllowedHosts must not hold an empty host.");
            }

            if (options.MaxWebhooks is < 1 or > 10_000)
            {
                failures.Add("Webhooks:MaxWebhooks must be 1–10000.");
            }

            if (options.MaxRooms is < 1 or > 1000)
            {
                failures.Add("Webhooks:MaxRooms must be 1–1000.");
            }

            if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromSeconds(10))
            {
                failures.Add("Webhooks:Timeout must be positive and at most 00:00:10.");
            }

            if (options.LeaseDuration <= options.Timeout)
            {
                failures.Add("Webhooks:LeaseDuration must be longer than Webhooks:Timeout.");
            }

            if (options.RetryMinimum <= TimeSpan.Zero || options.RetryMaximum < options.RetryMinimum || options.RetryMaximum > TimeSpan.FromMinutes(5))
            {
                failures.Add("Webhooks:RetryMinimum must be positive and at most Webhooks:RetryMaximum, itself at most 00:05:00.");
            }

            if (options.PollInterval <= TimeSpan.Zero || options.PollInterval > TimeSpan.FromMinutes(1))
            {
                failures.Add("Webhooks:PollInterval must be positive and at most 00:01:00.");
            }

            if (options.MaxConcurrentDeliveries is < 1 or > 1000)
            {
                failures.Add("Webhooks:MaxConcurrentDeliveries must be 1–1000.");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
