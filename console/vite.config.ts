// Builds the web console into dist/console, served by the control plane at /console on the gateway port.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    // .vite/manifest.json: what each page loads, read by scripts/console-size.mjs.
    manifest: true,
    // Per-page chunks keep the first load small; the report lists every chunk with its gzipped size.
    reportCompressedSize: true,
    // The budget that matters is the gzipped first load, checked by scripts/console-size.mjs after the build.
    chunkSizeWarningLimit: 1000,
  },
});
