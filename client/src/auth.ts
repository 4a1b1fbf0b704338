import type { TokenResponse } from "./contract";

/** Refresh a dev token this long before it expires, so that a reconnect never presents an expired one. */
const refreshMarginMs = 60_000;

/** Who is signed in and how to get a token for the next (re)connect. */
export interface Identity {
  userId: string;
  userName: string;
  /** Called on every negotiate and reconnect: returns a token valid for a while yet. */
  token(): Promise<string>;
  /** A pasted token cannot be renewed; a dev token can. */
  readonly renewable: boolean;
}

export class SignInError extends Error {}

/**
 * What the sign-in form says when the server refused the identity's token (401 on negotiate): a pasted one is
 * forged, expired or for another server and cannot be renewed, so only a fresh one helps.
 */
export function refusedSignInMessage(identity: Identity): string {
  return identity.renewable
    ? "Your sign-in is no longer valid. Sign in again."
    : "The server did not accept that access token: it is expired, not signed by this server or not meant for it. Paste a fresh one.";
}

/** Signs in with a dev token from `POST /auth/token`, fetching a fresh one whenever the held one is near expiry. */
export async function signInWithName(userName: string, fetcher: typeof fetch = fetch): Promise<Identity> {
  let current = await requestToken(userName, fetcher);
  return {
    userId: current.userId,
    userName: current.userName,
    renewable: true,
    async token() {
      if (Date.parse(current.expiresAt) - Date.now() < refreshMarginMs) {
        current = await requestToken(userName, fetcher);
      }
      return current.accessToken;
    },
  };
}

/** Signs in with a token from elsewhere (an identity provider); who it names is read from its claims. */
export function signInWithToken(token: string): Identity {
  const trimmed = token.trim().replace(/^Bearer\s+/i, "");
  const claims = readClaims(trimmed);
  const userId = typeof claims.sub === "string" ? claims.sub : "";
  if (userId === "") {
    throw new SignInError("That does not look like a HubApp access token (no “sub” claim).");
  }
  if (typeof claims.exp === "number" && claims.exp * 1000 <= Date.now()) {
    throw new SignInError("That token has expired. Get a fresh one.");
  }
  const userName = typeof claims.name === "string" && claims.name !== "" ? claims.name : userId;
  return { userId, userName, renewable: false, token: () => Promise.resolve(trimmed) };
}

async function requestToken(userName: string, fetcher: typeof fetch): Promise<TokenResponse> {
  let response: Response;
  try {
    response = await fetcher("/auth/token", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userName }),
    });
  } catch {
    throw new SignInError("Cannot reach the server. Check your connection and try again.");
  }
  if (response.status === 400) {
    throw new SignInError("Names are 1–32 letters, digits, “_”, “-” or “.”.");
  }
  if (response.status === 404) {
    throw new SignInError("Signing in with just a name is turned off on this server. Paste an access token instead.");
  }
  if (!response.ok) {
    throw new SignInError(`The server refused to sign you in (HTTP ${response.status}). Try again later.`);
  }
  return (await response.json()) as TokenResponse;
}

function readClaims(token: string): Record<string, unknown> {
  const payload = token.split(".")[1];
  if (!payload) {
    throw new SignInError("That does not look like an access token (expected three parts separated by dots).");
  }
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "="));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    throw new SignInError("That does not look like an access token (its payload is not JSON).");
  }
}
