// Interop check: the official @microsoft/signalr client (the one the browser page uses) against a
// running HubApp host, over negotiate + WebSockets, with the JWT from accessTokenFactory, speaking the JSON
// or the MessagePack hub protocol (@microsoft/signalr-protocol-msgpack).
//
//   node chat-interop.mjs <baseUrl> <tokenAlice> <tokenBob> [json|messagepack]   (json by default)
//
// The tokens must be for the users "alice" and "bob". On success prints one JSON line
// {"ok":true,"checks":[...]} to stdout and exits 0; on any failure prints {"ok":false,...} and a
// clear message on stderr and exits 1. Every wait is bounded. Client logs (Warning and up) go to stderr.

import signalR from "@microsoft/signalr";
import { MessagePackHubProtocol } from "@microsoft/signalr-protocol-msgpack";
import NodeWebSocket from "ws";

const STEP_TIMEOUT_MS = 10_000;
// Below the 60 s the .NET test allows the whole process, so a hang is reported by us, not by a kill.
const OVERALL_TIMEOUT_MS = 50_000;
const ROOM = "Interop";
const ROOM_LOWER = "interop";
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|\+00:00)$/;
const PROTOCOLS = ["json", "messagepack"];
let protocol = "json";

const checks = [];
let currentStep = "start-up";
const connections = [];

function fail(message) {
  throw new Error(message);
}

function assert(condition, message) {
  if (!condition) {
    fail(message);
  }
}

function show(value) {
  return JSON.stringify(value);
}

/** Equal as wire values: timestamps decoded to Date (MessagePack) compare by their instant. */
function same(a, b) {
  return a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : a === b;
}

/** Bounds a promise: rejects with a message naming what was awaited. */
function within(promise, what, ms = STEP_TIMEOUT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function step(name, body) {
  currentStep = name;
  await body();
  checks.push(name);
}

/** Everything one connection received for one event; waits scan it all, so arrival order does not matter. */
class Inbox {
  constructor(label) {
    this.label = label;
    this.items = [];
    this.waiters = new Set();
  }

  add = (item) => {
    this.items.push(item);
    for (const waiter of this.waiters) {
      waiter();
    }
  };

  waitFor(match, what) {
    const description = `${this.label} ${what} (received so far: ${show(this.items)})`;
    let waiter;
    const found = new Promise((resolve) => {
      waiter = () => {
        const item = this.items.find(match);
        if (item !== undefined) {
          resolve(item);
        }
      };
      this.waiters.add(waiter);
      waiter();
    });
    return within(found, description).finally(() => this.waiters.delete(waiter));
  }
}

/**
 * What a browser does on the WebSocket handshake: it cannot set headers, so the client appends the token as
 * access_token to the query string, and the browser adds the page's Origin. Under Node the client would send an
 * Authorization header instead; this keeps the test on the browser's path. Records each URL for the checks.
 */
function browserLikeWebSocket(origin, openedUrls, sentFrames) {
  return class BrowserLikeWebSocket extends NodeWebSocket {
    constructor(url, protocols, options = {}) {
      const headers = { ...(options.headers ?? {}) };
      const authorization = headers.Authorization ?? headers.authorization;
      delete headers.Authorization;
      delete headers.authorization;
      let browserUrl = url;
      if (authorization?.startsWith("Bearer ")) {
        const token = authorization.slice("Bearer ".length);
        browserUrl += (url.includes("?") ? "&" : "?") + `access_token=${encodeURIComponent(token)}`;
      }
      openedUrls.push(browserUrl);
      super(browserUrl, protocols, { ...options, headers, origin });
    }

    send(data, ...rest) {
      sentFrames.push(typeof data === "string" ? data : "binary");
      return super.send(data, ...rest);
    }
  };
}

function connect(baseUrl, label, token, openedUrls, logLevel = signalR.LogLevel.Warning) {
  let tokenRequests = 0;
  const sentFrames = [];
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(`${baseUrl}/hubs/chat`, {
      accessTokenFactory: () => {
        tokenRequests++;
        return token;
      },
      transport: signalR.HttpTransportType.WebSockets,
      WebSocket: browserLikeWebSocket(new URL(baseUrl).origin, openedUrls, sentFrames),
    })
    .withHubProtocol(protocol === "messagepack" ? new MessagePackHubProtocol() : new signalR.JsonHubProtocol())
    .withStatefulReconnect()
    .configureLogging(logLevel)
    .build();

  const inbox = {
    messages: new Inbox(`${label}'s MessageReceived`),
    joined: new Inbox(`${label}'s UserJoined`),
    left: new Inbox(`${label}'s UserLeft`),
    typing: new Inbox(`${label}'s UserTyping`),
    directs: new Inbox(`${label}'s DirectMessageReceived`),
  };
  connection.on("MessageReceived", inbox.messages.add);
  connection.on("UserJoined", inbox.joined.add);
  connection.on("UserLeft", inbox.left.add);
  connection.on("UserTyping", inbox.typing.add);
  connection.on("DirectMessageReceived", inbox.directs.add);
  return { label, connection, inbox, sentFrames, tokenRequests: () => tokenRequests };
}

/** JSON: an ISO-8601 UTC string; MessagePack: its timestamp extension, which the decoder makes a Date. */
function assertTimestamp(value, what) {
  if (protocol === "messagepack") {
    assert(value instanceof Date && !Number.isNaN(value.getTime()), `${what} should be a MessagePack timestamp (a Date), got ${show(value)}`);
  } else {
    assert(typeof value === "string" && ISO_UTC.test(value) && !Number.isNaN(Date.parse(value)),
      `${what} should be an ISO-8601 UTC timestamp, got ${show(value)}`);
  }
}

function assertChatMessage(message, expected, what) {
  assert(message !== null && typeof message === "object", `${what} should be a ChatMessage, got ${show(message)}`);
  assert(Number.isInteger(message.id) && message.id > 0, `${what}.id should be a positive JSON number, got ${show(message)}`);
  for (const [key, value] of Object.entries(expected)) {
    assert(same(message[key], value), `${what}.${key} should be ${show(value)}, got ${show(message)}`);
  }
  assert(typeof message.userName === "string" && message.userName.length > 0, `${what}.userName missing in ${show(message)}`);
  assertTimestamp(message.sentAt, `${what}.sentAt`);
}

function assertPresence(event, userId, what) {
  assert(event.room === ROOM_LOWER, `${what}.room should be ${show(ROOM_LOWER)}, got ${show(event)}`);
  assert(event.userId === userId, `${what}.userId should be ${show(userId)}, got ${show(event)}`);
  assert(typeof event.userName === "string" && event.userName.length > 0, `${what}.userName missing in ${show(event)}`);
  assertTimestamp(event.at, `${what}.at`);
}

function assertSnapshot(snapshot, mustInclude, what) {
  assert(snapshot !== null && typeof snapshot === "object", `${what} should be a RoomSnapshot, got ${show(snapshot)}`);
  assert(snapshot.room === ROOM_LOWER, `${what}.room should be ${show(ROOM_LOWER)}, got ${show(snapshot.room)}`);
  assert(snapshot.complete === true, `${what}.complete should be true, got ${show(snapshot.complete)}`);
  assert(Array.isArray(snapshot.messages), `${what}.messages should be an array, got ${show(snapshot.messages)}`);
  assert(Array.isArray(snapshot.members), `${what}.members should be an array, got ${show(snapshot.members)}`);
  const memberIds = snapshot.members.map((m) => m.userId);
  for (const userId of mustInclude) {
    assert(memberIds.includes(userId), `${what}.members should include ${show(userId)}, got ${show(snapshot.members)}`);
  }
}

async function run(baseUrl, tokenAlice, tokenBob) {
  const openedUrls = [];
  const alice = connect(baseUrl, "alice", tokenAlice, openedUrls);
  const bob = connect(baseUrl, "bob", tokenBob, openedUrls);
  connections.push(alice, bob);

  await step("badTokenRefused", async () => {
    // Quiet logger: the refusal is expected, and the client would log it as an error.
    const intruder = connect(baseUrl, "intruder", "not-a-jwt", [], signalR.LogLevel.None);
    let refused = null;
    try {
      await within(intruder.connection.start(), "a connection with a bad token to be refused");
    } catch (error) {
      refused = error;
    }
    await within(intruder.connection.stop(), "the refused connection to stop");
    assert(refused !== null, "a connection with token 'not-a-jwt' should be refused, but it started");
    assert(!/^timed out/.test(refused.message), refused.message);
  });

  await step("connect", async () => {
    await within(Promise.all([alice.connection.start(), bob.connection.start()]), "both connections to start");
    for (const { label, connection } of [alice, bob]) {
      assert(connection.state === signalR.HubConnectionState.Connected, `${label} should be Connected, is ${connection.state}`);
      assert(connection.connectionId, `${label} has no connection id after negotiate`);
    }
  });

  await step("tokenInQueryString", async () => {
    assert(alice.tokenRequests() >= 1 && bob.tokenRequests() >= 1, "accessTokenFactory was not called");
    assert(openedUrls.length === 2, `expected 2 WebSocket handshakes, saw ${show(openedUrls.map(redact))}`);
    for (const url of openedUrls) {
      const parsed = new URL(url);
      assert(parsed.protocol === "ws:" || parsed.protocol === "wss:", `handshake should be a WebSocket URL, got ${redact(url)}`);
      assert(parsed.pathname === "/hubs/chat", `handshake should go to /hubs/chat, got ${redact(url)}`);
      assert(parsed.searchParams.get("id"), `handshake should carry the negotiated id, got ${redact(url)}`);
      assert(parsed.searchParams.get("access_token"), `handshake should carry access_token, got ${redact(url)}`);
    }
  });

  await step("protocolOnTheWire", async () => {
    // The handshake is a text frame naming the protocol; MessagePack's messages after it are binary frames.
    for (const { label, sentFrames } of [alice, bob]) {
      const [handshake, ...rest] = sentFrames;
      assert(typeof handshake === "string" && JSON.parse(handshake.replace(/\u001e$/, "")).protocol === protocol,
        `${label}'s handshake should name ${show(protocol)}, got ${show(handshake)}`);
      const expected = protocol === "messagepack" ? "binary" : "text";
      const wrong = rest.filter((frame) => (frame === "binary" ? "binary" : "text") !== expected);
      assert(wrong.length === 0, `${label} should send only ${expected} frames after the handshake, sent ${show(rest)}`);
    }
  });

  await step("ping", async () => {
    const pong = await within(alice.connection.invoke("Ping"), "Ping");
    assert(pong === "pong", `Ping() should return "pong", got ${show(pong)}`);
  });

  await step("joinRoom", async () => {
    const aliceSnapshot = await within(alice.connection.invoke("JoinRoom", ROOM, null), "alice's JoinRoom");
    assertSnapshot(aliceSnapshot, ["alice"], "alice's JoinRoom result");
    const bobSnapshot = await within(bob.connection.invoke("JoinRoom", ROOM, null), "bob's JoinRoom");
    assertSnapshot(bobSnapshot, ["alice", "bob"], "bob's JoinRoom result");
  });

  await step("userJoined", async () => {
    const joined = await alice.inbox.joined.waitFor((e) => e.userId === "bob", "for bob");
    assertPresence(joined, "bob", "UserJoined");
  });

  const text = "héllo 👋";
  let sent;
  await step("sendMessage", async () => {
    sent = await within(alice.connection.invoke("SendMessage", ROOM_LOWER, text), "alice's SendMessage");
    assertChatMessage(sent, { room: ROOM_LOWER, userId: "alice", text }, "SendMessage result");
  });

  await step("messageReceived", async () => {
    for (const { label, inbox } of [alice, bob]) {
      const received = await inbox.messages.waitFor((m) => m.id === sent.id, `message ${sent.id}`);
      assertChatMessage(received, { room: ROOM_LOWER, userId: "alice", userName: sent.userName, text, sentAt: sent.sentAt },
        `${label}'s MessageReceived`);
    }
  });

  await step("typing", async () => {
    await within(bob.connection.invoke("Typing", ROOM_LOWER, true), "bob's Typing");
    const typing = await alice.inbox.typing.waitFor((e) => e.userId === "bob", "from bob");
    assert(typing.room === ROOM_LOWER && typing.isTyping === true && typeof typing.userName === "string",
      `UserTyping should be {room:"interop", userId:"bob", userName, isTyping:true}, got ${show(typing)}`);
  });

  await step("directMessage", async () => {
    const direct = await within(alice.connection.invoke("SendDirectMessage", "bob", "psst"), "alice's SendDirectMessage");
    assert(Number.isInteger(direct?.id) && direct.fromUserId === "alice" && direct.toUserId === "bob" && direct.text === "psst",
      `SendDirectMessage result should be a DirectMessage from alice to bob, got ${show(direct)}`);
    assertTimestamp(direct.sentAt, "SendDirectMessage result .sentAt");
    const toBob = await bob.inbox.directs.waitFor((d) => d.id === direct.id, `direct message ${direct.id}`);
    assert(toBob.fromUserId === "alice" && toBob.toUserId === "bob" && toBob.text === "psst" && same(toBob.sentAt, direct.sentAt),
      `bob's DirectMessageReceived should match ${show(direct)}, got ${show(toBob)}`);
    // The contract also sends it to the sender's connections.
    await alice.inbox.directs.waitFor((d) => d.id === direct.id, `its own direct message ${direct.id}`);
  });

  await step("getHistory", async () => {
    const history = await within(alice.connection.invoke("GetHistory", ROOM_LOWER, null, 10), "GetHistory");
    assert(Array.isArray(history), `GetHistory should return an array, got ${show(history)}`);
    const stored = history.find((m) => m.id === sent.id);
    assert(stored, `GetHistory should contain message ${sent.id}, got ${show(history)}`);
    assertChatMessage(stored, { room: ROOM_LOWER, userId: "alice", text, sentAt: sent.sentAt }, "GetHistory item");
    const ids = history.map((m) => m.id);
    assert(ids.every((id, i) => i === 0 || ids[i - 1] < id), `GetHistory should be ascending by id, got ids ${show(ids)}`);
  });

  await step("hubError", async () => {
    let error = null;
    try {
      const result = await within(alice.connection.invoke("SendMessage", "not-joined", "x"), "SendMessage to a room not joined");
      fail(`SendMessage("not-joined") should be refused, but returned ${show(result)}`);
    } catch (e) {
      error = e;
    }
    assert(error instanceof Error && error.message.includes("not_in_room:"),
      `SendMessage("not-joined") should reject with "not_in_room: ...", got ${show(error?.message ?? error)}`);
    assert(alice.connection.state === signalR.HubConnectionState.Connected, `alice should stay Connected, is ${alice.connection.state}`);
    const pong = await within(alice.connection.invoke("Ping"), "Ping after the error");
    assert(pong === "pong", `Ping() after the error should return "pong", got ${show(pong)}`);
  });

  await step("typingNotEchoed", async () => {
    // bob's own UserTyping would have arrived before the replies to his later invocations.
    const echoed = bob.inbox.typing.items.filter((e) => e.userId === "bob");
    assert(echoed.length === 0, `UserTyping should go to the others only, bob got his own: ${show(echoed)}`);
  });

  await step("userLeft", async () => {
    await within(bob.connection.invoke("LeaveRoom", ROOM_LOWER), "bob's LeaveRoom");
    const left = await alice.inbox.left.waitFor((e) => e.userId === "bob", "for bob");
    assertPresence(left, "bob", "UserLeft");
  });

  await step("stop", async () => {
    await within(Promise.all([alice.connection.stop(), bob.connection.stop()]), "both connections to stop");
    for (const { label, connection } of [alice, bob]) {
      assert(connection.state === signalR.HubConnectionState.Disconnected, `${label} should be Disconnected, is ${connection.state}`);
    }
  });
}

function redact(url) {
  return url.replace(/access_token=[^&]*/, "access_token=***");
}

function finish(ok, extra = {}) {
  clearTimeout(watchdog);
  const summary = JSON.stringify({ ok, protocol, checks, ...extra });
  process.stdout.write(summary + "\n", () => process.exit(ok ? 0 : 1));
}

let failing = false;

async function failAndExit(error) {
  if (failing) {
    return;
  }
  failing = true;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`chat-interop: FAILED at step "${currentStep}": ${message}\n`);
  // Best effort, bounded: leave the server with no dangling connections.
  await Promise.race([
    Promise.allSettled(connections.map(({ connection }) => connection.stop())),
    new Promise((resolve) => setTimeout(resolve, 2_000)),
  ]);
  finish(false, { failed: currentStep, error: message });
}

const watchdog = setTimeout(() => {
  failAndExit(new Error(`the whole run took longer than ${OVERALL_TIMEOUT_MS} ms`));
}, OVERALL_TIMEOUT_MS);

process.on("unhandledRejection", (reason) => failAndExit(reason));

const [baseUrlArg, tokenAlice, tokenBob, protocolArg = "json"] = process.argv.slice(2);
protocol = protocolArg;
if (!baseUrlArg || !tokenAlice || !tokenBob || !PROTOCOLS.includes(protocol)) {
  process.stderr.write("usage: node chat-interop.mjs <baseUrl> <tokenAlice> <tokenBob> [json|messagepack]\n");
  clearTimeout(watchdog);
  process.exit(2);
}

run(baseUrlArg.replace(/\/+$/, ""), tokenAlice, tokenBob).then(() => finish(true), failAndExit);
