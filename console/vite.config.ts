// Builds the web console into dist/console, served by the control plane at /console on the gateway port.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import type { OutputBundle, OutputChunk } from 'rollup';

const here = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/console', import.meta.url));

export default defineConfig({
  root: here,
  base: '/console/',
  plugins: [react(), fontFiles(), firstPageHints()],
  build: {
    outDir,
    emptyOutDir: true,
    // .vite/manifest.json: what each page loads, read by scripts/console-size.mjs.
    manifest: true,
    // Per-page chunks keep the first load small; the report lists every chunk with its gzipped size.
    reportCompressedSize: true,
    // The budget that matters is the gzipped first load, checked by scripts/console-size.mjs after the build; the main
    // bundle (with the Clusters page) is about 1.04 MB before compression.
    chunkSizeWarningLimit: 1200,
    rollupOptions: { input: { index: fileURLToPath(new URL('index.html', import.meta.url)), early: fileURLToPath(new URL('src/early.ts', import.meta.url)) } },
  },
});

/** Cloudscape's global stylesheet carries its eight Open Sans faces as base64 data: URIs, 180 KB of the stylesheet
 * the browser must parse before it can paint anything. Built, each face is a woff2 file of its own (hashed, cached for
 * good) shown with `font-display: swap`; the two faces the console's text uses are preloaded by index.html. The files
 * are written beside the build (dist/console-fonts) for Vite to pick up as assets. */
function fontFiles(): Plugin {
  const dir = fileURLToPath(new URL('../dist/console-fonts', import.meta.url));
  return {
    name: 'wharf-font-files',
    apply: 'build',
    enforce: 'pre',
    transform(code, id) {
      if (!id.split('?')[0]!.endsWith('@cloudscape-design/global-styles/index.css')) return;
      mkdirSync(dir, { recursive: true });
      let faces = 0;
      const out = code.replace(/@font-face\s*\{([^}]*)\}/g, (face, body: string) => {
        const family = /font-family:\s*'([^']+)'/.exec(body)?.[1];
        const weight = /font-weight:\s*(\d+)/.exec(body)?.[1];
        const style = /font-style:\s*(\w+)/.exec(body)?.[1];
        const data = /url\('data:font\/woff2;base64,([^']+)'\)/.exec(body)?.[1];
        if (!family || !weight || !style || !data) return face;
        const file = join(dir, `${family.toLowerCase().replace(/\s+/g, '-')}-${weight}-${style}.woff2`);
        writeFileSync(file, Buffer.from(data, 'base64'));
        faces++;
        const url = relative(dirname(id.split('?')[0]!), file).split('\\').join('/');
        return `@font-face {${body.replace(/url\('data:[^']+'\)/, `url('${url}')`)}  font-display: swap;\n}`;
      });
      if (faces === 0) throw new Error("Cloudscape's global stylesheet has no inlined fonts where the console's build expects them");
      return { code: out, map: null };
    },
  };
}

/** What index.html asks for ahead of the main bundle, for the page a signed-in visit opens on (the cluster list,
 * which is in the main bundle):
 * - src/early.ts, an entry of its own put first in the page's head as an `async` module script, so it is requested
 *   first and runs as soon as it arrives rather than after the main bundle is evaluated (two scripts in index.html
 *   would be merged into one entry); it starts the list's API calls (last in the head, as before, it arrived beside
 *   the stylesheet and ran after it was parsed, its calls starting some 500 ms later under load);
 * - the main bundle and Cloudscape's stylesheet as preloads only (`data-wharf-main`, `data-wharf-styles`): src/early.ts
 *   starts them once its plain cluster list has painted (or at once on any other page), so that neither the
 *   stylesheet's parse nor the bundle's evaluation holds back that first paint;
 * - the regular and bold Open Sans faces, preloaded and declared in the head as Cloudscape's stylesheet declares them,
 *   for the plain list, which is painted before that stylesheet has loaded. */
function firstPageHints(): Plugin {
  return {
    name: 'wharf-first-page-hints',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle ?? {};
        const chunks = Object.values(bundle).filter((c): c is OutputChunk => c.type === 'chunk');
        const early = chunks.find((c) => c.isEntry && c.name === 'early');
        if (!early) throw new Error('the early entry is missing from the console build');
        if (chunks.some((c) => c.facadeModuleId?.endsWith('/src/pages/Clusters.tsx')))
          throw new Error("the Clusters page is a chunk of its own: the console's first render would wait for it");
        const main = chunks.find((c) => c.isEntry && c.facadeModuleId?.endsWith('/console/index.html'));
        const styles = [...(main?.viteMetadata?.importedCss ?? [])];
        if (!main || styles.length !== 1) throw new Error('the console build has no main bundle with one stylesheet');
        const mainTag = `<script type="module" crossorigin src="/console/${main.fileName}"></script>`;
        const stylesTag = `<link rel="stylesheet" crossorigin href="/console/${styles[0]}">`;
        if (!html.includes(mainTag) || !html.includes(stylesTag)) throw new Error("index.html's main bundle or stylesheet is not where the console's build expects it");
        const fonts = fontAssets(bundle, ['open-sans-400-normal', 'open-sans-700-normal']);
        const faces = fonts
          .map((f, i) => `@font-face{font-family:'Open Sans';font-style:normal;font-weight:${i ? 700 : 400};font-display:swap;src:url('/console/${f}') format('woff2')}`)
          .join('');
        return {
          html: html
            .replace(mainTag, `<link rel="modulepreload" crossorigin href="/console/${main.fileName}" data-wharf-main>`)
            .replace(stylesTag, `<link rel="preload" as="style" crossorigin href="/console/${styles[0]}" data-wharf-styles>`),
          tags: [
            { tag: 'script', attrs: { type: 'module', async: true, crossorigin: true, src: `/console/${early.fileName}` }, injectTo: 'head-prepend' },
            ...fonts.map((f) => ({ tag: 'link', attrs: { rel: 'preload', as: 'font', type: 'font/woff2', crossorigin: true, href: `/console/${f}` }, injectTo: 'head' as const })),
            { tag: 'style', children: faces, injectTo: 'head' },
          ],
        };
      },
    },
  };
}

function fontAssets(bundle: OutputBundle, names: string[]): string[] {
  return names.map((n) => {
    const asset = Object.values(bundle).find((a) => a.type === 'asset' && a.names?.some((x) => x === `${n}.woff2`));
    if (!asset) throw new Error(`the console build has no ${n}.woff2`);
    return asset.fileName;
  });
}
