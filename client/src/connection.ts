import { HubConnection, HubConnectionBuilder, HubConnectionState, LogLevel } from "@microsoft/signalr";
import type { Identity } from "./auth";
import { fromWire, HubPath } from "./contract";
import { batchedPresenceQuery } from "./presence-batch";
import { describeError, type ChatError } from "./errors";
import { ReconnectPolicy } from "./retry";
import { connectionPlans, hubProtocol, mayFallBack, type ConnectionPlan } from "./transports";

export type ConnectionStatus = "connecting" | "connected" | "reconnecting" | "disconnected";

/** What the session does when the connection's state changes; each is called after the status changed. */
export interface ConnectionEvents {
  status(status: ConnectionStatus, error?: ChatError): void;
  /** Reconnecting, or closed: whatever was only true on the old connection (typing) is forgotten. */
  lost(): void;
  /** An automatic reconnect succeeded: rooms are rejoined, direct messages synced. */
  reconnected(): void;
}

/**
 * An event handler: `current` says whether the connection that delivered the event is still the session's (for
 * work the handler puts off).
 */
export type EventHandler = (argument: unknown, current: () => boolean) => void;

/**
 * The session's SignalR connection: made by the first of `connectionPlans` that starts (MessagePack over
 * WebSockets, else JSON over Server-Sent Events, else MessagePack over long polling), which keeps that transport
 * and protocol until it is closed; automatic reconnects stay on it (stateful reconnect first). Events reach the
 * handlers only from the current connection: one left behind by a fallback cannot report a status or a message.
 */
export class ChatConnection {
  private readonly handlers = new Map<string, EventHandler>();
  private connection: HubConnection | null = null;
  private currentPlan: ConnectionPlan = connectionPlans[0]!;
  private current: ConnectionStatus = "disconnected";
  private stopped = false;

  constructor(private readonly identity: Identity, private readonly baseUrl: string, private readonly events: ConnectionEvents) {}

  /** The transport and hub protocol of the connection made last (or about to be tried). */
  get plan(): ConnectionPlan {
    return this.currentPlan;
  }

  get status(): ConnectionStatus {
    return this.current;
  }

  get connected(): boolean {
    return this.connection?.state === HubConnectionState.Connected;
  }

  /** Handles a client event, its argument in the page's shapes whichever protocol carried it. Before `start`. */
  on<T>(event: string, handler: (argument: T, current: () => boolean) => void): void {
    this.handlers.set(event, handler as EventHandler);
  }

  /** Connects (or connects again after giving up). Throws the reason it could not. */
  async start(): Promise<void> {
    this.stopped = false;
    this.setStatus("connecting");
    let failure: unknown = null;
    for (const plan of connectionPlans) {
      if (plan !== this.currentPlan || this.connection === null) {
        this.currentPlan = plan;
        this.connection = this.build(plan);
      }
      try {
        await this.connection.start();
        failure = null;
        break;
      } catch (error) {
        failure = error;
        if (this.stopped || !mayFallBack(error)) {
          break;
        }
      }
    }
    if (failure !== null) {
      const described = describeError(failure);
      this.setStatus("disconnected", described);
      throw Object.assign(new Error(described.message), { chat: described });
    }
    this.setStatus("connected");
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.connection?.stop();
  }

  /** An invocation whose result is in the page's shapes, whichever protocol carried it. */
  async call<T>(method: string, ...args: unknown[]): Promise<T> {
    return fromWire<T>(await this.hub().invoke(method, ...args));
  }

  /** An invocation that answers nothing. */
  async invoke(method: string, ...args: unknown[]): Promise<void> {
    await this.hub().invoke(method, ...args);
  }

  private hub(): HubConnection {
    if (this.connection === null) {
      throw new Error("Not connected.");
    }
    return this.connection;
  }

  private build(plan: ConnectionPlan): HubConnection {
    const retries = new ReconnectPolicy();
    const connection = new HubConnectionBuilder()
      .withUrl(this.baseUrl + HubPath + batchedPresenceQuery, { accessTokenFactory: () => this.identity.token(), transport: plan.transport })
      .withHubProtocol(hubProtocol(plan))
      .withAutomaticReconnect(retries)
      .withStatefulReconnect()
      .configureLogging(LogLevel.None)
      .build();
    connection.serverTimeoutInMilliseconds = 30_000;
    const current = () => connection === this.connection;
    for (const [event, handler] of this.handlers) {
      connection.on(event, (argument: unknown) => {
        if (current()) {
          handler(fromWire(argument), current);
        }
      });
    }
    connection.onreconnecting(() => {
      if (current()) {
        this.events.lost();
        this.setStatus("reconnecting");
      }
    });
    connection.onreconnected(() => {
      if (current()) {
        this.setStatus("connected");
        this.events.reconnected();
      }
    });
    connection.onclose((closedBy) => {
      if (current()) {
        const error = closedBy ?? retries.refusal;
        this.events.lost();
        this.setStatus("disconnected", this.stopped || !error ? undefined : describeError(error));
      }
    });
    return connection;
  }

  private setStatus(status: ConnectionStatus, error?: ChatError): void {
    this.current = status;
    this.events.status(status, error);
  }
}
