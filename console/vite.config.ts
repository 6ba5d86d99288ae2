// Builds the web console into dist/console, served by the control plane at /console on the gateway port.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/console/',
  plugins: [react(), earlyScript()],
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    // .vite/manifest.json: what each page loads, read by scripts/console-size.mjs.
    manifest: true,
    // Per-page chunks keep the first load small; the report lists every chunk with its gzipped size.
    reportCompressedSize: true,
    // The budget that matters is the gzipped first load, checked by scripts/console-size.mjs after the build.
    chunkSizeWarningLimit: 1000,
    rollupOptions: { input: { index: fileURLToPath(new URL('index.html', import.meta.url)), early: fileURLToPath(new URL('src/early.ts', import.meta.url)) } },
  },
});

/** src/early.ts is an entry of its own, put in the page as an `async` module script ahead of the main bundle, so it
 * runs as soon as it arrives rather than after the main bundle is evaluated (two scripts in index.html would be
 * merged into one entry). */
function earlyScript(): Plugin {
  return {
    name: 'wharf-early-script',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const early = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.isEntry && c.name === 'early');
        if (!early) throw new Error('the early entry is missing from the console build');
        return [{ tag: 'script', attrs: { type: 'module', async: true, crossorigin: true, src: `/console/${early.fileName}` }, injectTo: 'head' }];
      },
    },
  };
}
