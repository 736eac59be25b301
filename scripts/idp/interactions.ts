import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Interaction, default as Provider } from 'oidc-provider';
import type { IssuerName } from './config.ts';
import { log } from './log.ts';
import { authenticate } from './users.ts';
import { escapeHtml, loginPage, page } from './views.ts';

export interface Issuer {
  name: IssuerName;
  provider: Provider;
  /** The first-party client, whose consent is implied. */
  clientId: string;
}

const MAX_FORM_BYTES = 16 * 1024;

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // No form-action: browsers apply it to the redirects after the post too, back to the client.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  });
  res.end(html);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > MAX_FORM_BYTES) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

async function login(issuer: Issuer, interaction: Interaction, req: IncomingMessage, res: ServerResponse) {
  const action = req.url ?? '';
  if (req.method !== 'POST') return sendHtml(res, 200, loginPage({ issuer: issuer.name, action }));
  const form = await readForm(req);
  const email = form.get('email') ?? '';
  const user = authenticate(issuer.name, email, form.get('password') ?? '');
  if (!user) {
    log(`${issuer.name} login failed email=${JSON.stringify(email)} interaction=${interaction.uid}`);
    const error = 'Wrong email or password.';
    return sendHtml(res, 401, loginPage({ issuer: issuer.name, action, email, error }));
  }
  log(`${issuer.name} login ok email=${JSON.stringify(user.email)} sub=${user.sub}`);
  await issuer.provider.interactionFinished(
    req,
    res,
    { login: { accountId: user.sub } },
    { mergeWithLastSubmission: false },
  );
}

/**
 * Only an explicit `prompt=consent` gets here for the first-party client (its grant is otherwise
 * made up front by loadExistingGrant): it is granted at once. No third-party client exists, so
 * there is no consent page to show them; they are refused.
 */
async function consent(issuer: Issuer, interaction: Interaction, req: IncomingMessage, res: ServerResponse) {
  const { provider } = issuer;
  const accountId = interaction.session?.accountId;
  if (interaction.params.client_id !== issuer.clientId || !accountId) {
    const error_description = 'the development identity provider only serves its first-party client';
    return provider.interactionFinished(req, res, { error: 'access_denied', error_description });
  }
  const existing = interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined;
  const grant = existing ?? new provider.Grant({ accountId, clientId: issuer.clientId });
  grant.addOIDCScope(String(interaction.params.scope ?? 'openid'));
  const claims = interaction.prompt.details.missingOIDCClaims;
  if (Array.isArray(claims)) grant.addOIDCClaims(claims.map(String));
  const grantId = await grant.save();
  log(`${issuer.name} consent granted to first-party client sub=${accountId}`);
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

/** `/<issuer>/interaction/<uid>`: the page oidc-provider sends the browser to when it needs the user. */
export async function handleInteraction(
  issuer: Issuer,
  uid: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let interaction: Interaction;
  try {
    interaction = await issuer.provider.interactionDetails(req, res);
  } catch {
    return sendHtml(res, 400, page('Sign-in expired', '<p>Start again from the application.</p>'));
  }
  // The cookie names the interaction; a URL naming another one is stale or forged.
  if (interaction.uid !== uid) return sendHtml(res, 400, page('Sign-in mismatch', '<p>Start again.</p>'));
  if (interaction.prompt.name === 'login') return login(issuer, interaction, req, res);
  if (interaction.prompt.name === 'consent') return consent(issuer, interaction, req, res);
  sendHtml(res, 400, page('Unsupported step', `<p>${escapeHtml(interaction.prompt.name)}</p>`));
}
