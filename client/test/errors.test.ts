import { HttpError } from "@microsoft/signalr";
import { describe, expect, it } from "vitest";
import { describeError } from "../src/errors";
import { ReconnectPolicy } from "../src/retry";

const refused = (code: string) =>
  new Error(`An unexpected error occurred invoking 'SendMessage' on the server. HubException: ${code}: server text`);

describe("describeError", () => {
  it.each([
    ["rate_limited", "You are sending too fast"],
    ["message_too_long", "too long"],
    ["invalid_room", "Room names are"],
    ["not_in_room", "not in that room"],
    ["invalid_message", "Type a message"],
    ["too_many_rooms", "Leave one first"],
    ["invalid_user", "user id is not valid"],
    ["unavailable", "cannot store messages right now"],
    ["forbidden", "not allowed to do that in this room"],
    ["muted", "muted in this room"],
    ["not_found", "does not exist"],
    ["room_exists", "exists already"],
  ])("turns %s into a sentence", (code, words) => {
    const described = describeError(refused(code));
    expect(described.code).toBe(code);
    expect(described.message).toContain(words);
  });

  it("shows the server's own text for a code it does not know", () => {
    expect(describeError(refused("brand_new"))).toEqual({ code: "brand_new", message: "server text" });
  });

  it("explains refused connections", () => {
    expect(describeError(new HttpError("Unauthorized", 401)).code).toBe("unauthorized");
    expect(describeError(new HttpError("Too Many Requests", 429)).code).toBe("busy");
    expect(describeError(new Error("Cannot send data if the connection is not in the 'Connected' State.")).code).toBe("network");
  });
});

describe("ReconnectPolicy", () => {
  it("retries at once, after 1, 2 and 5 s, then every 5 s until it gives up", () => {
    const policy = new ReconnectPolicy(60_000);
    const delay = (previousRetryCount: number, elapsedMilliseconds: number) =>
      policy.nextRetryDelayInMilliseconds({ previousRetryCount, elapsedMilliseconds, retryReason: new Error("gone") });
    expect([0, 1, 2, 3, 4, 9].map((n) => delay(n, 1000))).toEqual([0, 1000, 2000, 5000, 5000, 5000]);
    expect(delay(20, 60_000)).toBeNull();
  });
});
