import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

/** How to reach and authenticate to one apiserver: a kubeconfig's current context, or the Pod's. */
export interface ClusterAccess {
  server: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  skipTLSVerify?: boolean;
  /** The bearer token, read afresh (projected ServiceAccount tokens rotate). */
  token?: () => string;
}

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

interface Named<T> {
  name: string;
  [key: string]: unknown;
  cluster?: T;
  user?: T;
  context?: T;
}

/**
 * Loads cluster access the way kubectl does: `KUBECONFIG` (its first file that exists), else
 * ~/.kube/config, else the in-cluster ServiceAccount. A `KUBECONFIG` that names no readable file is
 * an error naming it, never a silent fall back to other credentials (in a Pod, the Pod's). Small
 * on purpose: client-node's loader would pull in its whole generated API (about 90 MB of memory)
 * for a few fields.
 */
export function loadClusterAccess(env: NodeJS.ProcessEnv = process.env): ClusterAccess {
  const named = env.KUBECONFIG?.split(':').filter(Boolean) ?? [];
  if (named.length > 0) {
    for (const file of named) {
      const text = readKubeconfig(file);
      if (text !== undefined) return fromKubeconfig(text, dirname(file));
    }
    throw new Error(`KUBECONFIG names no kubeconfig file that exists: ${named.join(', ')}`);
  }
  const file = resolve(env.HOME ?? homedir(), '.kube/config');
  const text = readKubeconfig(file);
  if (text !== undefined) return fromKubeconfig(text, dirname(file));
  if (env.KUBERNETES_SERVICE_HOST) return inCluster(env);
  throw new Error(`No kubeconfig at ${file} and not running in a cluster`);
}

/** The file's text; undefined where it does not exist. A file that exists but cannot be read is an error. */
function readKubeconfig(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`Cannot read the kubeconfig ${file}: ${(error as Error).message}`, { cause: error });
  }
}

export function fromKubeconfig(text: string, baseDir: string): ClusterAccess {
  const config = parse(text) as {
    'current-context'?: string;
    contexts?: Named<{ cluster: string; user: string }>[];
    clusters?: Named<Record<string, unknown>>[];
    users?: Named<Record<string, unknown>>[];
  };
  const contextName = config['current-context'];
  const context = config.contexts?.find((c) => c.name === contextName)?.context;
  if (!context) throw new Error(`The kubeconfig's current context "${contextName ?? ''}" does not exist`);
  const cluster = config.clusters?.find((c) => c.name === context.cluster)?.cluster;
  const user = config.users?.find((u) => u.name === context.user)?.user ?? {};
  if (!cluster || typeof cluster.server !== 'string')
    throw new Error(`The kubeconfig has no cluster "${context.cluster}"`);
  if (user.exec || user['auth-provider'])
    throw new Error(
      'Kubeconfig credential plugins (exec, auth-provider) are not supported; use a token or a client certificate',
    );
  const pem = (data: unknown, path: unknown) =>
    typeof data === 'string'
      ? Buffer.from(data, 'base64')
      : typeof path === 'string'
        ? readFileSync(resolve(baseDir, path))
        : undefined;
  const token = typeof user.token === 'string' ? user.token : undefined;
  const tokenFile = typeof user.tokenFile === 'string' ? resolve(baseDir, user.tokenFile) : undefined;
  return {
    server: cluster.server.replace(/\/$/, ''),
    ca: pem(cluster['certificate-authority-data'], cluster['certificate-authority']),
    cert: pem(user['client-certificate-data'], user['client-certificate']),
    key: pem(user['client-key-data'], user['client-key']),
    skipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
    token: token !== undefined ? () => token : tokenFile ? freshToken(tokenFile) : undefined,
  };
}

function inCluster(env: NodeJS.ProcessEnv): ClusterAccess {
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    ca: readFileSync(`${SERVICE_ACCOUNT}/ca.crt`),
    token: freshToken(`${SERVICE_ACCOUNT}/token`),
  };
}

/** Re-reads a token file at most once a minute. */
function freshToken(file: string): () => string {
  let cached = { token: '', at: 0 };
  return () => {
    if (Date.now() - cached.at > 60_000)
      cached = { token: readFileSync(file, 'utf8').trim(), at: Date.now() };
    return cached.token;
  };
}
