/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The built UI is served by the Python package (`accord serve`) under a strict CSP:
// no inline scripts or styles, so everything must be emitted as files.
export default defineConfig({
  base: "/",
  plugins: [react()],
  build: {
    outDir: "../src/accord/web",
    emptyOutDir: true,
    // Keep every asset a file: `font-src 'self'` does not allow data: URIs.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    proxy: {
      "/api": { target: "http://127.0.0.1:8080", changeOrigin: false },
    },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
