import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { run } from './process.ts';
import type { Stack } from './stack.ts';

export interface KeyPair {
  cert: string;
  key: string;
}

/**
 * The stack's certificate authority: it signs the apiserver's serving certificate, the client
 * certificates of the control plane and the development identity provider's HTTPS certificate.
 * Made once per stack folder; `STACK_CA_FILE` points at it.
 */
export async function ensureCa(stack: Stack): Promise<KeyPair> {
  const dir = stack.path('pki');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = { cert: `${dir}/ca.crt`, key: `${dir}/ca.key` };
  if (existsSync(ca.cert) && existsSync(ca.key)) return ca;
  await run('openssl', [
    ...['req', '-x509', '-new', '-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'],
    ...[
      '-keyout',
      ca.key,
      '-out',
      ca.cert,
      '-days',
      '3650',
      '-subj',
      `/CN=Guardian stack CA ${stack.secret('stack-id').slice(0, 8)}`,
    ],
    ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  ]);
  return ca;
}

/** A certificate signed by the stack CA: a client (CN = user, O = groups) or a server (SANs). */
export async function ensureCert(
  stack: Stack,
  name: string,
  subject: { cn: string; groups?: string[]; hosts?: string[] },
): Promise<KeyPair> {
  const ca = await ensureCa(stack);
  const pair = { cert: stack.path('pki', `${name}.crt`), key: stack.path('pki', `${name}.key`) };
  if (existsSync(pair.cert) && existsSync(pair.key)) return pair;
  const dn = [...(subject.groups ?? []).map((g) => `/O=${g}`), `/CN=${subject.cn}`].join('');
  const hosts = subject.hosts ?? [];
  const san = hosts.map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
  const extensions = [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    `extendedKeyUsage=${hosts.length ? 'serverAuth' : 'clientAuth'}`,
    ...(san ? [`subjectAltName=${san}`] : []),
  ];
  await run('openssl', [
    ...['req', '-x509', '-new', '-nodes', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'],
    ...['-CA', ca.cert, '-CAkey', ca.key, '-keyout', pair.key, '-out', pair.cert, '-days', '825'],
    ...['-subj', dn, ...extensions.flatMap((e) => ['-addext', e])],
  ]);
  return pair;
}

/** An RSA key pair for signing service-account tokens. */
export async function ensureSigningKey(stack: Stack, name: string): Promise<{ key: string; pub: string }> {
  const pair = { key: stack.path('pki', `${name}.key`), pub: stack.path('pki', `${name}.pub`) };
  if (existsSync(pair.key) && existsSync(pair.pub)) return pair;
  mkdirSync(stack.path('pki'), { recursive: true, mode: 0o700 });
  await run('openssl', [
    'genpkey',
    '-algorithm',
    'RSA',
    '-pkeyopt',
    'rsa_keygen_bits:2048',
    '-out',
    pair.key,
  ]);
  writeFileSync(pair.pub, await run('openssl', ['pkey', '-in', pair.key, '-pubout']));
  return pair;
}
