// The UI is built into the Python package, which serves it at "/" (casegraph serve).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  build: {
    outDir: fileURLToPath(new URL("../casegraph/serve/static", import.meta.url)),
    emptyOutDir: true,
    // Leaflet's images and the world outline stay files next to the bundle: nothing is fetched from elsewhere.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npm run dev` beside `casegraph serve --port 8765`
    proxy: { "/api": "http://127.0.0.1:8765" },
  },
});
