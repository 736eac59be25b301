import { z } from 'zod';

/**
 * The paths the web console owns: its pages are served for them (GET, accepting text/html) where
 * no API route answers, and a login may return to them. Everything else is the API's.
 */
const CONSOLE_PATH = /^\/(?:login|device|o(?:\/[^\\]*)?|admin(?:\/[^\\]*)?)?$/;

export function isConsolePath(path: string): boolean {
  return CONSOLE_PATH.test(path);
}

/**
 * Where a login may send the browser afterwards: a console page of this site, with an optional
 * query. Never another origin (`//host`, `/\host`, `https://...`): an open redirect after login
 * would hand fresh sessions to phishing pages. No whitespace or fragments.
 */
export const consoleReturnPath = z
  .string()
  .max(512)
  .refine(
    (value) => {
      if (!/^\/[\x21-\x7e]*$/.test(value) || value.includes('#')) return false;
      const query = value.indexOf('?');
      return isConsolePath(query === -1 ? value : value.slice(0, query));
    },
    { error: 'must be a console page of this site: /, /login, /device, /o/... or /admin/...' },
  );
