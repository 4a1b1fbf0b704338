import { HttpError } from "@microsoft/signalr";
import { describe, expect, it } from "vitest";
import { ReconnectPolicy } from "../src/retry";

const retry = (policy: ReconnectPolicy, retryReason: Error, previousRetryCount = 1) =>
  policy.nextRetryDelayInMilliseconds({ previousRetryCount, elapsedMilliseconds: 1000, retryReason });

describe("ReconnectPolicy and a refused token", () => {
  it("gives up at once when negotiate answers 401, and says why", () => {
    const policy = new ReconnectPolicy();
    const refused = new HttpError("Unauthorized", 401);
    expect(retry(policy, refused)).toBeNull();
    expect(policy.refusal).toBe(refused);
  });

  it("reads a 401 in a negotiate failure's text too", () => {
    const policy = new ReconnectPolicy();
    expect(retry(policy, new Error("Failed to complete negotiation with the server: Error: Unauthorized: Status code '401'"))).toBeNull();
    expect(policy.refusal).not.toBeNull();
  });

  it("keeps retrying anything else", () => {
    const policy = new ReconnectPolicy();
    expect(retry(policy, new Error("WebSocket closed with status code: 1006"))).toBe(1000);
    expect(retry(policy, new HttpError("Service Unavailable", 503), 5)).toBe(5000);
    expect(policy.refusal).toBeNull();
  });
});
