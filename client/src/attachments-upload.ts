// (v3) Uploading a file (POST …/attachments, multipart part `file`) with the bearer token in the header. XHR rather
// than fetch: its upload progress events are what the chips' progress bars need.

import type { Attachment } from "./contract";
import type { OutboxTarget } from "./outbox-entry";
import { UploadError, type UploadHandle } from "./upload-queue";

/** Where a room's or a conversation's uploads go. */
export function uploadPath(target: OutboxTarget): string {
  return target.kind === "room"
    ? `/api/rooms/${encodeURIComponent(target.room)}/attachments`
    : `/api/direct/${encodeURIComponent(target.userId)}/attachments`;
}

/** The problem's `code` of an error answer, or null when it has none. */
export function problemCode(body: string): string | null {
  try {
    const parsed: unknown = JSON.parse(body);
    const code = typeof parsed === "object" && parsed !== null ? (parsed as { code?: unknown }).code : undefined;
    return typeof code === "string" ? code : null;
  } catch {
    return null;
  }
}

/** One upload of `file` to `path`; the token is read when it starts (a renewable one is fresh then). */
export function uploadFile(path: string, file: File, token: () => Promise<string>, progress: (sent: number) => void): UploadHandle {
  const request = new XMLHttpRequest();
  let aborted = false;
  const done = new Promise<Attachment>((resolve, reject) => {
    request.upload.addEventListener("progress", (event) => progress(event.loaded));
    request.addEventListener("load", () => {
      if (request.status === 201 || request.status === 200) {
        try {
          resolve(JSON.parse(request.responseText) as Attachment);
        } catch {
          reject(new UploadError(request.status, null));
        }
      } else {
        reject(new UploadError(request.status, problemCode(request.responseText)));
      }
    });
    request.addEventListener("error", () => reject(new UploadError(0, null)));
    request.addEventListener("abort", () => reject(new Error("cancelled")));
    token().then((bearer) => {
      if (aborted) {
        reject(new Error("cancelled"));
        return;
      }
      const form = new FormData();
      form.append("file", file, file.name);
      request.open("POST", path);
      request.setRequestHeader("Authorization", `Bearer ${bearer}`);
      request.send(form);
    }, reject);
  });
  return {
    done,
    abort() {
      aborted = true;
      request.abort();
    },
  };
}
