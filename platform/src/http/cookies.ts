import type { AppContext } from './state.ts';

export interface CookieOptions {
  path: string;
  maxAgeMs: number;
  secure: boolean;
}

/**
 * Sets an HttpOnly, SameSite=Lax cookie, `Secure` when PUBLIC_URL (what the browser sees) is https.
 * Not Koa's `ctx.cookies.set`: it decides from the connection, and throws on a Secure cookie over
 * plain http, which is what reaches us behind a TLS-terminating proxy that sends no
 * X-Forwarded-Proto (an L4 load balancer) or while TRUSTED_PROXIES is 0; and it writes `Expires`
 * from the wall clock where this writes `Max-Age`. Reading stays with `ctx.cookies.get`.
 */
export function setCookie(ctx: AppContext, name: string, value: string, options: CookieOptions): void {
  const parts = [
    `${name}=${value}`,
    `Path=${options.path}`,
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeMs / 1000))}`,
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (options.secure) parts.push('Secure');
  ctx.append('set-cookie', parts.join('; '));
}

export function clearCookie(ctx: AppContext, name: string, options: Omit<CookieOptions, 'maxAgeMs'>): void {
  setCookie(ctx, name, '', { ...options, maxAgeMs: 0 });
}

export function getCookie(ctx: AppContext, name: string): string | undefined {
  const value = ctx.cookies.get(name);
  return value && /^[A-Za-z0-9_-]{16,128}$/.test(value) ? value : undefined;
}
