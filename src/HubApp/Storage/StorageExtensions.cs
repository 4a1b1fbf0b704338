using HubApp.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HubApp.Storage;

public static class StorageExtensions
{
    /// <summary>The history store (room log, direct messages, read markers), its writer and its health check.</summary>
    public static WebApplicationBuilder AddChatStorage(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<StorageOptions>()
            .BindConfiguration(StorageOptions.SectionName)
            .Configure<IConfiguration, IHostEnvironment>((options, configuration, environment) =>
            {
                options.SqliteConnectionString = SqlitePath.Resolve(
                    configuration.GetConnectionString("Sqlite") ?? options.SqliteConnectionString, environment.ContentRootPath);
                options.PostgresConnectionString = configuration.GetConnectionString("Postgres");
            })
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        builder.Services.AddSingleton(services => NpgsqlDataSource.Create(PostgresConnectionString(services)));
        // One store object serves all seven seams; each is registered on its own, so that a decorator of one
        // (a test's failing store, say) does not change what the others reach.
        builder.Services.AddSingleton<RelationalMessageStore>(services =>
            services.GetRequiredService<IOptions<StorageOptions>>().Value.Provider == StorageOptions.Postgres
                ? ActivatorUtilities.CreateInstance<PostgresMessageStore>(services)
                : ActivatorUtilities.CreateInstance<SqliteMessageStore>(services));
        builder.Services.AddSingleton<IMessageStore>(services => services.GetRequiredService<RelationalMessageStore>());
        builder.Services.AddSingleton<IDirectMessageStore>(services => services.GetRequiredService<RelationalMessageStore>());
        builder.Services.AddSingleton<IReadMarkerStore>(services => services.GetRequiredService<RelationalMessageStore>());
        builder.Services.AddSingleton<IRoomStore>(services => services.GetRequiredService<RelationalMessageStore>());
        builder.Services.AddSingleton<IUserRoomStore>(services => services.GetRequiredService<RelationalMessageStore>());
        builder.Services.AddSingleton<IWebhookStore>(services => services.GetRequiredService<RelationalMessageStore>());
        builder.Services.AddSingleton<IAttachmentStore>(services => services.GetRequiredService<RelationalMessageStore>());
        builder.Services.AddSingleton<IPushSubscriptionStore>(services => services.GetRequiredService<RelationalMessageStore>());
        builder.Services.AddSingleton<MessageWriter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<MessageWriter>());
        builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>("store");
        builder.Services.AddSingleton<IStartupCheck, SqliteFileLock>();
        return builder;
    }

    /// <summary>The PostgreSQL connection string (the store's and the backplane's), with HubApp's name for the server's views.</summary>
    internal static string PostgresConnectionString(IServiceProvider services)
    {
        var connection = new NpgsqlConnectionStringBuilder(services.GetRequiredService<IOptions<StorageOptions>>().Value.PostgresConnectionString);
        connection.ApplicationName ??= "HubApp";
        return connection.ConnectionString;
    }

    private static bool IsValidPostgresConnectionString(string? connectionString)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, StorageOptions options) => options.Provider switch
        {
            StorageOptions.Sqlite when string.IsNullOrWhiteSpace(options.SqliteConnectionString) =>
                ValidateOptionsResult.Fail("ConnectionStrings:Sqlite must be set when Storage:Provider is 'sqlite'."),
            StorageOptions.Sqlite when !string.Equals(options.SqliteSynchronous, StorageOptions.SynchronousFull, StringComparison.OrdinalIgnoreCase)
                && !string.Equals(options.SqliteSynchronous, StorageOptions.SynchronousNormal, StringComparison.OrdinalIgnoreCase) =>
                ValidateOptionsResult.Fail($"Storage:SqliteSynchronous must be 'full' or 'normal', not '{options.SqliteSynchronous}'."),
            StorageOptions.Sqlite when options.MaxBatchSize < 1 =>
                ValidateOptionsResult.Fail("Storage:MaxBatchSize must be positive."),
            StorageOptions.Sqlite => ValidateOptionsResult.Success,
            StorageOptions.Postgres when string.IsNullOrWhiteSpace(options.PostgresConnectionString) =>
                ValidateOptionsResult.Fail("ConnectionStrings:Postgres must be set when Storage:Provider is 'postgres'."),
            StorageOptions.Postgres when !IsValidPostgresConnectionString(options.PostgresConnectionString) =>
                ValidateOptionsResult.Fail("ConnectionStrings:Postgres is not a valid PostgreSQL connection string."),
            StorageOptions.Postgres when options.MaxBatchSize < 1 =>
                ValidateOptionsResult.Fail("Storage:MaxBatchSize must be positive."),
            StorageOptions.Postgres => ValidateOptionsResult.Success,
            _ => ValidateOptionsResult.Fail($"Storage:Provider must be 'sqlite' or 'postgres', not '{options.Provider}'."),
        };
    }
}
