/// <reference types="vitest/config" />
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

// `npm run dev` serves the app with hot reload and forwards every API path to a running
// `decentra` (DECENTRA_URL, default http://127.0.0.1:8765), so the browser sees one origin.
const api = process.env.DECENTRA_URL ?? "http://127.0.0.1:8765";

export default defineConfig({
  plugins: [solid()],
  server: {
    proxy: {
      "/decentra.v1.": { target: api, changeOrigin: true },
      "/api/": { target: api, changeOrigin: true },
      "/healthz": { target: api, changeOrigin: true },
    },
  },
  build: {
    target: "es2022",
    // The CSP forbids inline scripts; modern browsers need no preload polyfill.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: true,
    rolldownOptions: {
      // Two pages: the app, and the API reference (`/api/docs`), whose scripts the app
      // never loads.
      input: {
        index: fileURLToPath(new URL("index.html", import.meta.url)),
        docs: fileURLToPath(new URL("api-docs.html", import.meta.url)),
      },
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts"],
  },
});
