using System.Data.Common;
using System.Text.Json;
using HubApp.Contracts;
using HubApp.Storage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HubApp.Backplane.Postgres;

/// <summary>
/// Room and direct messages with the PostgreSQL backplane: published inside the transaction that stored
/// them, on the channels of the room's or the users' buckets (<see cref="PostgresChannels"/>), and delivered by every
/// node that listens to them, this one included, from the notification stream. PostgreSQL delivers notifications in commit order, and the room's counter row lock
/// orders the commits of a room as its ids, so every node hands a room's messages to SignalR in id order,
/// whichever node stored them. A batch that fails to commit notifies nobody.
/// </summary>
/// <remarks>So there is nothing left to do once committed.</remarks>
internal sealed class PostgresMessageDelivery(PostgresBackplane backplane, IOptions<JsonHubProtocolOptions> json, TimeProvider time) : IMessageDelivery
{
    private readonly JsonSerializerOptions _json = json.Value.PayloadSerializerOptions;

    public async Task OnCommittingAsync(DbConnection connection, AppendResult stored, CancellationToken cancellationToken)
    {
        var envelopes = new List<BackplaneEnvelope>(stored.Messages.Count + stored.DirectMessages.Count);
        var publishedAt = BackplaneEnvelope.ToPublishedAt(time.GetUtcNow());
        foreach (var message in stored.Messages)
        {
            envelopes.Add(Envelope(EnvelopeKind.Groups, [message.Room], nameof(IChatClient.MessageReceived), message, publishedAt));
        }

        foreach (var message in stored.DirectMessages)
        {
            string[] users = message.FromUserId == message.ToUserId ? [message.ToUserId] : [message.ToUserId, message.FromUserId];
            envelopes.Add(Envelope(EnvelopeKind.Users, users, nameof(IChatClient.DirectMessageReceived), message, publishedAt));
        }

        await backplane.PublishAsync((NpgsqlConnection)connection, envelopes, cancellationToken);
    }

    public void OnCommitted(AppendResult stored)
    {
    }

    // No origin: every node delivers it, the one that stored it too.
    private BackplaneEnvelope Envelope(EnvelopeKind kind, IReadOnlyList<string> targets, string method, object message, long publishedAt) =>
        BackplaneEnvelope.Create(kind, origin: null, targets, excluded: null, method, [message], _json) with { StoredBy = backplane.NodeId, PublishedAt = publishedAt };
}
