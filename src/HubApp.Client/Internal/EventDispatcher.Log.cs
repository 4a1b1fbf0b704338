using Microsoft.Extensions.Logging;

namespace HubApp.Client.Internal;

internal sealed partial class EventDispatcher
{
    // Event ids 200-299 belong to the dispatcher; never reuse a retired one.
    private static partial class Log
    {
        [LoggerMessage(200, LogLevel.Error, "A handler of {EventName} threw; the exception was swallowed.")]
        public static partial void HandlerFailed(ILogger logger, string eventName, Exception exception);
    }
}
