// What src/early.ts and main.tsx share about starting the console: the Cloudscape stylesheet is no longer in
// index.html's head (where it held back the first paint), src/early.ts adds it when it starts the main bundle, and
// main.tsx renders once it has applied, so the real page never shows unstyled.
let stylesheet: Promise<void> = Promise.resolve();

export function stylesheetLoading(loaded: Promise<void>): void {
  stylesheet = loaded;
}

/** Resolves once the console's stylesheet has loaded (or failed); at once when nothing is loading it (Vite's dev
 * server, which injects the styles itself). */
export function stylesheetApplied(): Promise<void> {
  return stylesheet;
}
