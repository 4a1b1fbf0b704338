/** What the host tells the page about its limits (`GET /app-config.json`). */
export interface AppConfig {
  maxMessageLength: number;
}

const fallback: AppConfig = { maxMessageLength: 4000 };

export async function loadConfig(): Promise<AppConfig> {
  try {
    const response = await fetch("/app-config.json", { cache: "no-store" });
    if (response.ok) {
      const config = (await response.json()) as Partial<AppConfig>;
      return { maxMessageLength: config.maxMessageLength ?? fallback.maxMessageLength };
    }
  } catch {
    // The contract's default applies; the server still enforces its own limit.
  }
  return fallback;
}
