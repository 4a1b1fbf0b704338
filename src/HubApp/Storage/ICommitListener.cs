namespace HubApp.Storage;

/// <summary>
/// Told by <see cref="MessageWriter"/> what each batch stored, once committed, after delivery: on the node that stored it,
/// so each entry is seen once across the cluster. Only what is new in the batch (a repeated client message id is not).
/// </summary>
/// <remarks>Called on the writer's loop: it must only hand the entries on (to a bounded queue, say), never wait.</remarks>
public interface ICommitListener
{
    void OnCommitted(AppendResult stored);
}
