import { HttpTransportType, JsonHubProtocol, type IHubProtocol } from "@microsoft/signalr";
import { MessagePackHubProtocol } from "@microsoft/signalr-protocol-msgpack";

/** One way to reach the hub: a transport and the hub protocol spoken over it. */
export interface ConnectionPlan {
  readonly transport: HttpTransportType;
  readonly protocol: "messagepack" | "json";
}

/**
 * SignalR's own fallback order, each transport with the protocol it can carry: MessagePack (smaller frames, no
 * escaping) over WebSockets and long polling, JSON over Server-Sent Events, which carry text only. A SignalR
 * connection has one protocol for its whole life and skips the transports that cannot carry it, so a single
 * MessagePack connection would never use Server-Sent Events: the session tries one connection per plan instead.
 */
export const connectionPlans: readonly ConnectionPlan[] = [
  { transport: HttpTransportType.WebSockets, protocol: "messagepack" },
  { transport: HttpTransportType.ServerSentEvents, protocol: "json" },
  { transport: HttpTransportType.LongPolling, protocol: "messagepack" },
];

export function hubProtocol(plan: ConnectionPlan): IHubProtocol {
  return plan.protocol === "messagepack" ? new MessagePackHubProtocol() : new JsonHubProtocol();
}

/**
 * Whether a failed start may succeed with the next plan. Not when negotiate itself failed (401, 403, 429, host
 * down): negotiate is the same for every transport, and the refusal is what the person must be told.
 */
export function mayFallBack(error: unknown): boolean {
  return !(error instanceof Error && (error as Error & { errorType?: string }).errorType === "FailedToNegotiateWithServerError");
}
