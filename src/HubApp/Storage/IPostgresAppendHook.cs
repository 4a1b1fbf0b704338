using Npgsql;

namespace HubApp.Storage;

/// <summary>
/// Work that must commit, or not, with an append to the PostgreSQL store: it runs inside the transaction,
/// after the batch got its ids. The PostgreSQL backplane sends its notifications there, so that they leave
/// only if the messages were stored and reach every node in commit order, which is id order within a room.
/// </summary>
public interface IPostgresAppendHook
{
    Task OnAppendAsync(NpgsqlConnection connection, AppendResult stored, CancellationToken cancellationToken);
}
