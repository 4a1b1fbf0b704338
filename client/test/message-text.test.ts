import { describe, expect, it } from "vitest";
import { linkSegments, mentions, messageSegments } from "../src/message-text";

const links = (text: string) => linkSegments(text).filter((s) => s.kind === "link").map((s) => s.text);

describe("linkSegments", () => {
  it("makes http and https URLs links and keeps the text around them, in order", () => {
    expect(linkSegments("see https://example.org/a?b=1#c and http://x.test now")).toEqual([
      { kind: "text", text: "see " },
      { kind: "link", text: "https://example.org/a?b=1#c", href: "https://example.org/a?b=1#c" },
      { kind: "text", text: " and " },
      { kind: "link", text: "http://x.test", href: "http://x.test/" },
      { kind: "text", text: " now" },
    ]);
  });

  it("never makes a link of another scheme", () => {
    for (const text of ["javascript:alert(1)", "JavaScript://%0aalert(1)", "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox", "file:///etc/passwd", "ftp://example.org", "//example.org", "www.example.org"]) {
      expect(linkSegments(text)).toEqual([{ kind: "text", text }]);
    }
  });

  it("does not link a javascript: URL hidden after an http one", () => {
    const segments = linkSegments("http://ok.test javascript:alert(1)");
    expect(segments.filter((s) => s.kind === "link")).toEqual([{ kind: "link", text: "http://ok.test", href: "http://ok.test/" }]);
    expect(segments.map((s) => s.text).join("")).toBe("http://ok.test javascript:alert(1)");
  });

  it("leaves sentence punctuation after a URL out of it", () => {
    expect(links("Look: https://example.org.")).toEqual(["https://example.org"]);
    expect(links("https://example.org/x, https://example.org/y; https://example.org/z!?")).toEqual([
      "https://example.org/x", "https://example.org/y", "https://example.org/z"]);
    expect(links("(see https://example.org/page)")).toEqual(["https://example.org/page"]);
    expect(links("'https://example.org/q'")).toEqual(["https://example.org/q"]);
  });

  it("keeps brackets that belong to the URL", () => {
    expect(links("https://en.wikipedia.org/wiki/Mercury_(planet).")).toEqual(["https://en.wikipedia.org/wiki/Mercury_(planet)"]);
  });

  it("keeps markup as text: the URL ends where a tag or quote begins", () => {
    const text = `<a href="javascript:alert(1)">https://evil.test/"onmouseover="x</a><img src=x onerror=alert(1)>`;
    const segments = linkSegments(text);
    expect(segments.map((s) => s.text).join("")).toBe(text);
    expect(segments.filter((s) => s.kind === "link")).toEqual([{ kind: "link", text: "https://evil.test/", href: "https://evil.test/" }]);
  });

  it("does not link a scheme without a host", () => {
    expect(links("http:// and https://")).toEqual([]);
  });

  it("gives plain text back whole, and nothing for nothing", () => {
    expect(linkSegments("just words")).toEqual([{ kind: "text", text: "just words" }]);
    expect(linkSegments("")).toEqual([]);
  });
});

describe("mentions", () => {
  it("finds @name whatever its case, at a word boundary", () => {
    expect(mentions("hi @alice", "alice")).toBe(true);
    expect(mentions("@ALICE: look", "alice")).toBe(true);
    expect(mentions("thanks (@Alice).", "alice")).toBe(true);
    expect(mentions("@alice, @bob", "bob")).toBe(true);
  });

  it("does not see a mention in an address, a longer name or a bare name", () => {
    expect(mentions("mail bob@alice.org", "alice")).toBe(false);
    expect(mentions("@alicexyz", "alice")).toBe(false);
    expect(mentions("@alice.smith and @alice-2", "alice")).toBe(false);
    expect(mentions("alice, look", "alice")).toBe(false);
  });

  it("takes the name literally, dots and all", () => {
    expect(mentions("@a.b", "a.b")).toBe(true);
    expect(mentions("@axb", "a.b")).toBe(false);
    expect(mentions("hi @Zoë Müller!", "zoë müller")).toBe(true);
  });
});

describe("messageSegments", () => {
  it("splits the mentions of the signed-in user out of the text, not out of links", () => {
    expect(messageSegments("@alice see https://x.test/@alice ok @Alice", "alice")).toEqual([
      { kind: "mention", text: "@alice" },
      { kind: "text", text: " see " },
      { kind: "link", text: "https://x.test/@alice", href: "https://x.test/@alice" },
      { kind: "text", text: " ok " },
      { kind: "mention", text: "@Alice" },
    ]);
  });

  it("highlights nothing without a name", () => {
    expect(messageSegments("@alice", null)).toEqual([{ kind: "text", text: "@alice" }]);
  });
});
