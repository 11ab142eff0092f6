// Files Vite turns into URLs of the built renderer (served from the app's own origin, as the CSP asks).
declare module '*.svg' {
  const url: string;
  export default url;
}
