import "./styles.css";
import { ChatApp } from "./app";
import { signInWithName, signInWithToken, SignInError, type Identity } from "./auth";
import { loadConfig } from "./config";
import { UserNamePattern } from "./contract";
import { byId } from "./dom";
import { clearFieldErrors, clearOnInput, showFieldError } from "./signin-errors";
import { installSkipLink } from "./skip-link";

// Who is signed in survives a reload of this tab (sessionStorage), not the tab itself. The user's rooms are the
// server's (GetMyRooms); this browser remembers per user that it was here and which room was open (localStorage).
const sessionKey = "hubapp.signin";
type SavedSignIn = { userName: string } | { token: string };

let app: ChatApp | null = null;

async function signIn(saved: SavedSignIn): Promise<void> {
  clearFieldErrors();
  let identity: Identity;
  try {
    identity = "token" in saved ? signInWithToken(saved.token) : await signInWithName(saved.userName);
  } catch (e) {
    showFieldError("token" in saved ? "signin-token" : "signin-name", e instanceof SignInError ? e.message : "Could not sign in. Try again.");
    sessionStorage.removeItem(sessionKey);
    return;
  }
  sessionStorage.setItem(sessionKey, JSON.stringify(saved));
  byId("signin").hidden = true;
  const roomsKey = `hubapp.rooms.${identity.userId}`;
  app = new ChatApp(identity, await loadConfig(), (reason) => void signOut(reason, "token" in saved), {
    visited: () => localStorage.getItem(roomsKey) !== null,
    active: () => (JSON.parse(localStorage.getItem(roomsKey) ?? "{}") as { active?: string | null }).active ?? null,
    save: (active) => localStorage.setItem(roomsKey, JSON.stringify({ active })),
  });
  await app.start();
}

/**
 * Back to the sign-in form, forgetting who was signed in. With a `reason` (the server refused the token) the
 * form says it, and a refused pasted token is cleared from the box, the token form open for a fresh one.
 */
async function signOut(reason?: string, pasted = false): Promise<void> {
  sessionStorage.removeItem(sessionKey);
  const current = app;
  app = null;
  await current?.dispose();
  byId("signin").hidden = false;
  clearFieldErrors();
  if (reason !== undefined && pasted) {
    byId<HTMLTextAreaElement>("signin-token").value = "";
    byId<HTMLDetailsElement>("token-signin").open = true;
    showFieldError("signin-token", reason);
    byId("signin-token").focus();
  } else {
    if (reason !== undefined) {
      showFieldError("signin-name", reason);
    }
    byId("signin-name").focus();
  }
}

installSkipLink();
clearOnInput();

byId("signin-name-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const userName = byId<HTMLInputElement>("signin-name").value.trim();
  if (!UserNamePattern.test(userName)) {
    showFieldError("signin-name", "Names are 1–32 letters, digits, “_”, “-” or “.”.");
    byId("signin-name").focus();
    return;
  }
  localStorage.setItem("hubapp.lastName", userName);
  void signIn({ userName });
});

byId("signin-token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  void signIn({ token: byId<HTMLTextAreaElement>("signin-token").value });
});

const saved = sessionStorage.getItem(sessionKey);
if (saved) {
  void signIn(JSON.parse(saved) as SavedSignIn);
} else {
  byId<HTMLInputElement>("signin-name").value = localStorage.getItem("hubapp.lastName") ?? "";
  byId("signin-name").focus();
}
