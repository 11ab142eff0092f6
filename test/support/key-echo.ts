import { validTestKey } from './core-harness';

/** Whether a text holds the test key, also JSON-escaped (\u0074…) or URL-encoded (%74…), at any depth of escaping. */
export function holdsKey(text: string, key = validTestKey): boolean {
  const decoded = text
    .replace(/\\+u([0-9a-fA-F]{4})/g, (_, code: string) => String.fromCharCode(parseInt(code, 16)))
    .replace(/%([0-9a-fA-F]{2})/g, (_, code: string) => String.fromCharCode(parseInt(code, 16)));
  return decoded.includes(key);
}

/** The key URL-encoded character by character, as a server might echo a query string. */
export const urlEncodedKey = (key = validTestKey) => [...key].map((character) => `%${character.charCodeAt(0).toString(16)}`).join('');
