namespace HubApp.Storage;

/// <summary>The store cannot be reached or cannot take writes now; what was asked of it did not happen.</summary>
public sealed class StoreUnavailableException(string message, Exception? innerException = null)
    : Exception(message, innerException);
