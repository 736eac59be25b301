import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { type IdpConfig, ISSUERS, issuerUrl } from './config.ts';
import { handleInteraction, type Issuer } from './interactions.ts';
import { log } from './log.ts';
import { createProvider } from './provider.ts';

/**
 * Hands a request to the issuer mounted at its first path segment. oidc-provider routes on the
 * path below its mount point and recovers the prefix from `req.originalUrl` (what Express would
 * set), so its URLs and cookie paths keep `/<issuer>`.
 */
async function route(
  issuers: Map<string, Issuer & { callback: ReturnType<Issuer['provider']['callback']> }>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = req.url ?? '/';
  const name = /^\/([a-z0-9-]+)(?:[/?]|$)/.exec(url)?.[1];
  const issuer = name === undefined ? undefined : issuers.get(name);
  if (!issuer) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end(`no such issuer; try ${[...issuers.keys()].map((key) => `/${key}`).join(' or ')}\n`);
    return;
  }
  const uid = /^\/[a-z0-9-]+\/interaction\/([\w-]+)(?:\?|$)/.exec(url)?.[1];
  if (uid !== undefined) return handleInteraction(issuer, uid, req, res);
  const below = url.slice(issuer.name.length + 1);
  Object.assign(req, { originalUrl: url });
  req.url = below.startsWith('/') ? below : `/${below}`;
  await issuer.callback(req, res);
}

// oidc-provider's errors carry the OAuth error code as message and the explanation beside it.
const describe = (error: Error & { error_description?: unknown }) =>
  typeof error.error_description === 'string'
    ? `${error.message} (${error.error_description})`
    : error.message;

export function createIdpServer(config: IdpConfig): Server {
  const issuers = new Map(
    ISSUERS.map((name) => {
      const provider = createProvider(name, issuerUrl(config.port, name), config);
      provider.on('server_error', (_ctx, error) => log(`${name} server error: ${error.stack ?? error}`));
      for (const event of ['authorization.error', 'grant.error', 'end_session.error']) {
        provider.on(event, (_ctx, error) => log(`${name} ${event}: ${describe(error)}`));
      }
      return [name, { name, provider, clientId: config.clientId, callback: provider.callback() }];
    }),
  );
  const tls = { cert: readFileSync(config.cert), key: readFileSync(config.key) };
  return createServer(tls, (req, res) => {
    route(issuers, req, res).catch((error: unknown) => {
      log(`${req.method} ${req.url?.split('?')[0]} failed: ${error instanceof Error ? error.stack : error}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error\n');
    });
  });
}
