// The renderer's Content Security Policy, in one place: main sends it as a header and the build
// writes it into index.html. Nothing remote: every byte the window sees comes through the API.
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');
