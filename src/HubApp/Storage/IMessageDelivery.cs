using System.Data.Common;

namespace HubApp.Storage;

/// <summary>
/// The one seam from "stored" to "delivered": <see cref="MessageWriter"/> hands it every batch, first inside the
/// store's transaction, then once committed. A single node sends after the commit (Messaging's <c>LocalMessageDelivery</c>);
/// a backplane engine replaces it with its own (publishing inside the transaction, so that only committed messages
/// leave, or after it, and reordering on receipt).
/// </summary>
/// <remarks>
/// Called by the one writer, a batch at a time, in id order. Neither phase may wait for slow receivers: sends are
/// started, not awaited, so one slow connection holds up no room.
/// </remarks>
public interface IMessageDelivery
{
    /// <summary>Inside the append transaction, after the batch got its ids: what it does commits with the batch, or not at all.</summary>
    Task OnCommittingAsync(DbConnection connection, AppendResult stored, CancellationToken cancellationToken);

    /// <summary>After the commit, before the senders are told.</summary>
    void OnCommitted(AppendResult stored);
}
