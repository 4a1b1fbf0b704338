import { defineConfig } from "vitest/config";

// The host serves dist/ (see src/HubApp/Client/ClientEndpoints.cs) under a Content-Security-Policy that forbids
// inline script and style, so the build must emit only external files: no inline module-preload polyfill.
export default defineConfig({
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: true,
    target: "es2022",
    rollupOptions: {
      onwarn(warning, warn) {
        // @microsoft/signalr's /*#__PURE__*/ comments sit where Rollup cannot use them; dropping them is harmless.
        if (warning.code === "INVALID_ANNOTATION" && warning.id?.includes("@microsoft/signalr")) {
          return;
        }
        warn(warning);
      },
    },
  },
  server: {
    proxy: {
      "/auth": "http://localhost:5080",
      "/api": "http://localhost:5080",
      "/app-config.json": "http://localhost:5080",
      "/hubs": { target: "http://localhost:5080", ws: true },
    },
  },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
  },
});
