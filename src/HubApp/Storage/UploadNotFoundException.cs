namespace HubApp.Storage;

/// <summary>
/// A direct message refused by the store: an attachment id it names is not an unused upload of the sender's for the
/// conversation (see <see cref="NewDirectMessage"/>). Nothing was stored or delivered.
/// </summary>
public sealed class UploadNotFoundException() : Exception("An attachment id names no unused upload of the sender's for this conversation.");
