import type { IRetryPolicy, RetryContext } from "@microsoft/signalr";
import { describeError } from "./errors";

/**
 * Automatic reconnect delays: at once, then 1, 2 and 5 s, then every 5 s until `giveUpAfterMs` have passed
 * (a host restart or a short network loss is ridden out; after that the page says it is disconnected and
 * offers to retry).
 */
export class ReconnectPolicy implements IRetryPolicy {
  private static readonly first = [0, 1000, 2000, 5000];

  /**
   * Why it gave up before its time: the server refused the token (401), which no retry can change. SignalR
   * closes a connection whose retries ran out without an error, so the session reads the reason here.
   */
  refusal: Error | null = null;

  constructor(
    private readonly giveUpAfterMs = 10 * 60 * 1000,
    private readonly steadyDelayMs = 5000,
  ) {}

  nextRetryDelayInMilliseconds(context: RetryContext): number | null {
    if (describeError(context.retryReason).code === "unauthorized") {
      this.refusal = context.retryReason;
      return null;
    }
    if (context.elapsedMilliseconds >= this.giveUpAfterMs) {
      return null;
    }
    return ReconnectPolicy.first[context.previousRetryCount] ?? this.steadyDelayMs;
  }
}
