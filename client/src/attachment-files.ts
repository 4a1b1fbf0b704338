// (v3) Reading attachments: every read is a fetch with the bearer token in its header, into a `blob:` URL, so that
// the token never goes into a URL (an <img src> or a link would have to carry it there) and the page's CSP needs
// only `img-src blob:`.

import { ownUrl } from "./attachment-format";

/** Reads attachment files with the user's token. */
export class AttachmentFiles {
  constructor(private readonly token: () => Promise<string>, private readonly origin = globalThis.location?.origin ?? "") {}

  /** The file (or thumbnail) at the server's url; rejects on a url of another origin or an error answer. */
  async blob(url: string): Promise<Blob> {
    const path = ownUrl(url, this.origin);
    if (path === null) {
      throw new Error("That file is not on this server.");
    }
    const response = await fetch(path, { headers: { Authorization: `Bearer ${await this.token()}` } });
    if (!response.ok) {
      throw new Error(response.status === 404 ? "That file is no longer there." : `The file could not be read (HTTP ${response.status}).`);
    }
    return await response.blob();
  }

  /** Saves the file under its name: fetched, then handed to the browser by a `download` link to its blob. */
  async download(url: string, name: string): Promise<void> {
    const objectUrl = URL.createObjectURL(await this.blob(url));
    const link = document.createElement("a");
    link.href = objectUrl;
    link.download = name;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    // The browser has taken the blob once the click's default action ran.
    setTimeout(() => URL.revokeObjectURL(objectUrl), 0);
  }
}

/**
 * The `blob:` URLs a list shows, revoked together when its lines leave the page (another conversation opened, the
 * list cleared). A read that finishes after that is revoked at once: nothing outlives its list.
 */
export class BlobUrls {
  private readonly urls = new Set<string>();
  private generation = 0;

  /** Shows `blob` through `apply` unless the list was cleared meanwhile; `failed` when it could not be read. */
  show(blob: Promise<Blob>, apply: (url: string) => void, failed: () => void = () => {}): void {
    const generation = this.generation;
    blob.then((data) => {
      if (generation !== this.generation) {
        return;
      }
      const url = URL.createObjectURL(data);
      this.urls.add(url);
      apply(url);
    }, () => {
      if (generation === this.generation) {
        failed();
      }
    });
  }

  revokeAll(): void {
    this.generation++;
    for (const url of this.urls) {
      URL.revokeObjectURL(url);
    }
    this.urls.clear();
  }
}
