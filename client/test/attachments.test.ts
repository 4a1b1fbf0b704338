import { describe, expect, it } from "vitest";
import { formatSize, isImage, lineSummary, MaxAttachmentBytes, ownUrl, thumbnailBox, uploadErrorMessage } from "../src/attachment-format";
import { problemCode, uploadPath } from "../src/attachments-upload";
import type { Attachment } from "../src/contract";
import { positionText, stepIndex } from "../src/image-viewer";
import { UploadError, UploadQueue, type UploadHandle } from "../src/upload-queue";

describe("sizes as people read them", () => {
  it.each([
    [0, "0 B"], [1023, "1023 B"], [1024, "1 KB"], [1536, "1.5 KB"], [10 * 1024, "10 KB"], [1024 * 1024 - 1, "1024 KB"],
    [1024 * 1024, "1 MB"], [MaxAttachmentBytes, "25 MB"], [2.25 * 1024 ** 3, "2.3 GB"], [Number.NaN, "0 B"],
  ])("%d bytes read %s", (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});

describe("why an upload failed", () => {
  it.each([
    [413, "attachment_too_large", "too large (max 25 MB)"],
    [413, null, "too large (max 25 MB)"],
    [415, "invalid_attachment", "not allowed"],
    [429, "rate_limited", "too many uploads, wait"],
    [429, null, "too many uploads, wait"],
    [403, "forbidden", "you may not post here"],
    [0, null, "the connection failed"],
    [500, null, "failed (HTTP 500)"],
  ])("HTTP %d with code %s says %s", (status, code, text) => {
    expect(uploadErrorMessage(status, code)).toBe(text);
    expect(new UploadError(status, code).message).toBe(text);
  });

  it("reads the problem's code, and none from a body that is not one", () => {
    expect(problemCode(JSON.stringify({ title: "Too large", status: 413, code: "attachment_too_large" }))).toBe("attachment_too_large");
    expect(problemCode("<html>")).toBeNull();
    expect(problemCode("{}")).toBeNull();
  });
});

describe("where files go and come from", () => {
  it("uploads to the room's or the conversation's path, names escaped", () => {
    expect(uploadPath({ kind: "room", room: "general" })).toBe("/api/rooms/general/attachments");
    expect(uploadPath({ kind: "dm", userId: "bob/../x" })).toBe("/api/direct/bob%2F..%2Fx/attachments");
  });

  it("sends the token only to its own origin", () => {
    expect(ownUrl("/api/attachments/x", "https://chat.example")).toBe("/api/attachments/x");
    expect(ownUrl("https://chat.example/api/attachments/x?a=1", "https://chat.example")).toBe("/api/attachments/x?a=1");
    expect(ownUrl("https://evil.example/api/attachments/x", "https://chat.example")).toBeNull();
    expect(ownUrl("//evil.example/x", "https://chat.example")).toBeNull();
  });
});

describe("thumbnails", () => {
  const image = (fields: Partial<Attachment>): Attachment => ({
    id: "i", name: "a.png", contentType: "image/png", size: 1, width: 800, height: 600, url: "/u", thumbnailUrl: "/t", ...fields,
  });

  it("are shown for images with a size and a thumbnail only", () => {
    expect(isImage(image({}))).toBe(true);
    expect(isImage(image({ thumbnailUrl: null }))).toBe(false);
    expect(isImage(image({ width: null, height: null }))).toBe(false);
  });

  it("keep the image's proportions within 320 px and never grow a small one", () => {
    expect(thumbnailBox(800, 600)).toEqual({ width: 320, height: 240 });
    expect(thumbnailBox(600, 1200)).toEqual({ width: 160, height: 320 });
    expect(thumbnailBox(40, 30)).toEqual({ width: 40, height: 30 });
    expect(thumbnailBox(10000, 1)).toEqual({ width: 320, height: 1 });
  });
});

describe("the image viewer's order", () => {
  it("moves to the neighbour with ← and →, and stays at either end", () => {
    expect(stepIndex(1, 3, "ArrowRight")).toBe(2);
    expect(stepIndex(1, 3, "ArrowLeft")).toBe(0);
    expect(stepIndex(2, 3, "ArrowRight")).toBeNull();
    expect(stepIndex(0, 3, "ArrowLeft")).toBeNull();
    expect(stepIndex(0, 3, "Enter")).toBeNull();
    expect(positionText(1, 3)).toBe("2 of 3");
    expect(positionText(0, 1)).toBe("");
  });
});

/** An uploader whose uploads the test finishes, fails and watches being aborted. */
function manualUploads() {
  const started: { name: string; progress(sent: number): void; resolve(a: Attachment): void; reject(e: unknown): void; aborted: boolean }[] = [];
  const upload = (file: { name: string; size: number }, progress: (sent: number) => void): UploadHandle => {
    let call!: (typeof started)[number];
    const done = new Promise<Attachment>((resolve, reject) => {
      call = { name: file.name, progress, resolve, reject, aborted: false };
    });
    started.push(call);
    return { done, abort: () => { call.aborted = true; call.reject(new Error("cancelled")); } };
  };
  return { started, upload };
}

const stored = (id: string, name: string): Attachment => ({ id, name, contentType: "application/pdf", size: 100, width: null, height: null, url: `/api/attachments/${id}`, thumbnailUrl: null });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("the composer's upload queue", () => {
  it("uploads each file with its progress; the message may go once none is on its way, with the uploaded ones in order", async () => {
    const u = manualUploads();
    let changes = 0;
    const queue = new UploadQueue(u.upload, () => changes++);
    queue.add([{ name: "a.pdf", size: 100 }, { name: "b.pdf", size: 100 }]);
    expect(queue.uploads.map((x) => x.state)).toEqual(["uploading", "uploading"]);
    expect(queue.busy).toBe(true);
    u.started[0]!.progress(40);
    expect(queue.uploads[0]!.sent).toBe(40);
    u.started[1]!.resolve(stored("B", "b.pdf"));
    u.started[0]!.resolve(stored("A", "a.pdf"));
    await settle();
    expect(queue.busy).toBe(false);
    expect(queue.attachments.map((a) => a.id)).toEqual(["A", "B"]);
    expect(changes).toBeGreaterThanOrEqual(4);
    queue.sent();
    expect(queue.uploads).toEqual([]);
  });

  it("says why the server refused a file, and keeps the failed chip after a send, without its file", async () => {
    const u = manualUploads();
    const queue = new UploadQueue(u.upload, () => {});
    queue.add([{ name: "bad.exe", size: 10 }, { name: "ok.pdf", size: 10 }]);
    u.started[0]!.reject(new UploadError(415, "invalid_attachment"));
    u.started[1]!.resolve(stored("OK", "ok.pdf"));
    await settle();
    expect(queue.uploads.map((x) => [x.name, x.state, x.error])).toEqual([["bad.exe", "failed", "not allowed"], ["ok.pdf", "done", undefined]]);
    expect(queue.attachments.map((a) => a.id)).toEqual(["OK"]);
    queue.sent();
    expect(queue.uploads.map((x) => x.name)).toEqual(["bad.exe"]);
  });

  it("refuses a file over 25 MB and an eleventh file without sending them", () => {
    const u = manualUploads();
    const queue = new UploadQueue(u.upload, () => {});
    queue.add([{ name: "huge.bin", size: MaxAttachmentBytes + 1 }]);
    queue.add(Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.pdf`, size: 1 })));
    expect(u.started.map((s) => s.name)).toEqual(Array.from({ length: 10 }, (_, i) => `f${i}.pdf`));
    expect(queue.uploads[0]!.error).toBe("too large (max 25 MB)");
    expect(queue.uploads[11]!.error).toBe("at most 10 files per message");
  });

  it("cancels an upload on its way: it is aborted and gone, and its late answer changes nothing", async () => {
    const u = manualUploads();
    const queue = new UploadQueue(u.upload, () => {});
    queue.add([{ name: "slow.pdf", size: 100 }]);
    queue.remove(queue.uploads[0]!.key);
    expect(u.started[0]!.aborted).toBe(true);
    u.started[0]!.resolve(stored("LATE", "slow.pdf"));
    await settle();
    expect(queue.uploads).toEqual([]);
    expect(queue.busy).toBe(false);
    expect(queue.attachments).toEqual([]);
  });

  it("takes an uploaded file off the message, and clear aborts everything", async () => {
    const u = manualUploads();
    const queue = new UploadQueue(u.upload, () => {});
    queue.add([{ name: "a.pdf", size: 1 }, { name: "b.pdf", size: 1 }]);
    u.started[0]!.resolve(stored("A", "a.pdf"));
    await settle();
    queue.remove(queue.uploads[0]!.key);
    expect(queue.attachments).toEqual([]);
    queue.clear();
    expect(u.started[1]!.aborted).toBe(true);
    expect(queue.uploads).toEqual([]);
  });

  it("fails a file whose upload cannot start, and carries on with the next", () => {
    let calls = 0;
    const queue = new UploadQueue<{ name: string; size: number }>(() => {
      if (calls++ === 0) {
        throw new Error("Open a room or a conversation first.");
      }
      return { done: new Promise(() => {}), abort: () => {} };
    }, () => {});
    queue.add([{ name: "a", size: 1 }, { name: "b", size: 1 }]);
    expect(queue.uploads.map((x) => x.state)).toEqual(["failed", "uploading"]);
  });
});

describe("what a line says when announced or notified", () => {
  const file = (name: string): Attachment => ({ id: name, name, contentType: "application/pdf", size: 1, width: null, height: null, url: "/u", thumbnailUrl: null });

  it("is its text, or its files when it has none", () => {
    expect(lineSummary("hello", [file("a.pdf")])).toBe("hello");
    expect(lineSummary("", [file("a.pdf")])).toBe("📎 a.pdf");
    expect(lineSummary(" ", [file("a.pdf"), file("b.pdf")])).toBe("📎 2 files");
    expect(lineSummary("", null)).toBe("");
  });
});
