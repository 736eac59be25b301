/**
 * A console page to return to after signing in, or undefined: what the platform accepts as
 * `return_to` (a path of this site under /, /o/, /admin or /device), so a crafted link cannot
 * make the login a redirect elsewhere (the platform refuses those too).
 */
export function consoleNext(next: string | undefined): string | undefined {
  if (next === undefined || !/^\/[\x21-\x7e]*$/.test(next) || /[\\#]/.test(next)) return undefined;
  const path = next.split('?')[0] ?? '';
  return /^\/(?:login|device|o(?:\/.*)?|admin(?:\/.*)?)?$/.test(path) ? next : undefined;
}

/** The organization a console page is about (/o/<org>/...). */
export function orgOf(path: string | undefined): string | undefined {
  return path === undefined ? undefined : /^\/o\/([a-z0-9-]+)(?:[/?]|$)/.exec(path)?.[1];
}

/** The console's login page, for `org`, returning to `next` afterwards. */
export function loginHref(org: string | undefined, next: string | undefined): string {
  const query = new URLSearchParams();
  if (org) query.set('org', org);
  if (next && next !== '/') query.set('next', next);
  const search = query.toString();
  return search ? `/login?${search}` : '/login';
}
