using HubApp.Contracts;

namespace HubApp.Storage;

/// <summary>
/// What a write of a room message is answered with, and whether this write stored it: false when it repeated a
/// client message id, and <paramref name="Message"/> is the entry stored first (which was delivered then).
/// </summary>
internal sealed record WrittenMessage(ChatMessage Message, bool Created);
