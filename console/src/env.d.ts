// Stylesheets are bundled by Vite.
declare module '*.css';
// A stylesheet's text, for a script to insert itself (src/early.ts's plain cluster list).
declare module '*.css?inline' {
  const css: string;
  export default css;
}
