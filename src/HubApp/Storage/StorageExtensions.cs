using Microsoft.Extensions.Options;

namespace HubApp.Storage;

public static class StorageExtensions
{
    /// <summary>The history store, its writer and its health check.</summary>
    public static WebApplicationBuilder AddChatStorage(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) =>
            {
                options.SqliteConnectionString = configuration.GetConnectionString("Sqlite") ?? options.SqliteConnectionString;
                options.PostgresConnectionString = configuration.GetConnectionString("Postgres");
            })
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();

        builder.Services.AddSingleton<IMessageStore, SqliteMessageStore>();
        builder.Services.AddSingleton<MessageWriter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<MessageWriter>());
        builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>("store");
        return builder;
    }

    private sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, StorageOptions options) => options.Provider switch
        {
            StorageOptions.Sqlite when string.IsNullOrWhiteSpace(options.SqliteConnectionString) =>
                ValidateOptionsResult.Fail("ConnectionStrings:Sqlite must be set when Storage:Provider is 'sqlite'."),
            StorageOptions.Sqlite when options.MaxBatchSize < 1 =>
                ValidateOptionsResult.Fail("Storage:MaxBatchSize must be positive."),
            StorageOptions.Sqlite => ValidateOptionsResult.Success,
            StorageOptions.Postgres when string.IsNullOrWhiteSpace(options.PostgresConnectionString) =>
                ValidateOptionsResult.Fail("ConnectionStrings:Postgres must be set when Storage:Provider is 'postgres'."),
            StorageOptions.Postgres =>
                ValidateOptionsResult.Fail("Storage:Provider 'postgres' is not available in this build yet; use 'sqlite'."),
            _ => ValidateOptionsResult.Fail($"Storage:Provider must be 'sqlite' or 'postgres', not '{options.Provider}'."),
        };
    }
}
