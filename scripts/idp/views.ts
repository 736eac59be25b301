import type { KoaContextWithOIDC } from 'oidc-provider';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

// No external stylesheets or fonts: the page must render offline.
const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}' +
  'label,input,button{display:block;width:100%;box-sizing:border-box;margin-top:.5rem}' +
  'input,button{padding:.5rem}.error{color:#b00020}.note{color:#555;font-size:.85rem}';

export function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

export function loginPage(options: {
  issuer: string;
  action: string;
  email?: string;
  error?: string;
}): string {
  const error = options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : '';
  return page(
    `Sign in (${options.issuer})`,
    `${error}<form method="post" action="${escapeHtml(options.action)}" autocomplete="off">
<label for="email">Email</label>
<input id="email" name="email" type="email" required autofocus value="${escapeHtml(options.email ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" required>
<button type="submit">Sign in</button></form>
<p class="note">Guardian development identity provider: demo users only.</p>`,
  );
}

export async function renderError(
  ctx: KoaContextWithOIDC,
  out: Record<string, string>,
  _error: Error,
): Promise<void> {
  ctx.type = 'html';
  const lines = Object.entries(out).map(
    ([key, value]) => `<p><b>${escapeHtml(key)}</b>: ${escapeHtml(value)}</p>`,
  );
  ctx.body = page('Sign-in error', lines.join(''));
}

export async function logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  ctx.type = 'html';
  ctx.body = page(
    'Sign out?',
    `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<button type="submit" form="op.logoutForm">Stay signed in</button>`,
  );
}

export async function postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void> {
  ctx.type = 'html';
  ctx.body = page('Signed out', '<p>You are signed out of the development identity provider.</p>');
}
