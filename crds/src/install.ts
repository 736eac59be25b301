import { type RequestOptions, request } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { GROUP, loadManifests, type Manifest, RESOURCES, VERSION } from './index.ts';

export interface InstallOptions {
  /** The server-side apply field manager; `make dev` and the tests use `guardian-dev`. */
  fieldManager?: string;
  /** How long to wait for the CRDs to be Established and served. */
  timeoutMs?: number;
}

// The collections of the kinds this package ships, all cluster-scoped. Resolved here rather than
// through discovery so that the plans can be applied the moment their CRD is Established.
const COLLECTIONS = new Map<string, string>([
  [
    'apiextensions.k8s.io/v1 CustomResourceDefinition',
    '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
  ],
  [
    'admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy',
    '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies',
  ],
  [
    'admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBinding',
    '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings',
  ],
  ...Object.values(RESOURCES)
    .filter((resource) => !resource.namespaced)
    .map((resource): [string, string] => [
      `${GROUP}/${VERSION} ${resource.kind}`,
      `/apis/${GROUP}/${VERSION}/${resource.plural}`,
    ]),
]);

/** The apiserver path of a manifest this package ships. */
export function manifestPath(manifest: Manifest): string {
  const collection = COLLECTIONS.get(`${manifest.apiVersion} ${manifest.kind}`);
  if (!collection) throw new Error(`do not know where to apply ${manifest.apiVersion} ${manifest.kind}`);
  return `${collection}/${encodeURIComponent(manifest.metadata.name)}`;
}

interface Response {
  status: number;
  body: string;
}

// A plain HTTPS request with the kubeconfig's credentials. client-node's typed clients re-serialize
// built-in kinds through their generated models, which drops the CRD schema's `x-kubernetes-*`
// extensions (it expects camelCase properties); the manifests must reach the apiserver as written.
async function send(config: KubeConfig, method: string, path: string, body?: unknown): Promise<Response> {
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const url = new URL(path, cluster.server);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const options: RequestOptions = {
    method,
    headers: {
      accept: 'application/json',
      ...(payload === undefined ? {} : { 'content-type': 'application/apply-patch+yaml' }),
    },
  };
  await config.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const req = request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function statusMessage(response: Response): string {
  try {
    const status = JSON.parse(response.body) as { message?: unknown };
    if (typeof status.message === 'string') return status.message;
  } catch {
    // Not a Status object: show the body as it came.
  }
  return response.body;
}

async function retrying(what: string, deadline: number, attempt: () => Promise<boolean>): Promise<void> {
  for (;;) {
    if (await attempt()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

function isEstablished(body: string): boolean {
  const crd = JSON.parse(body) as { status?: { conditions?: { type?: string; status?: string }[] } };
  return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
}

/**
 * Installs the CRDs, admission policies and default plans with server-side apply (forcing
 * ownership, so it is idempotent and repairs drift), waiting for the CRDs to be Established before
 * applying what depends on them. Used by `make dev` and the tests; the Helm chart ships the same files.
 */
export async function installManifests(config: KubeConfig, options: InstallOptions = {}): Promise<void> {
  const fieldManager = encodeURIComponent(options.fieldManager ?? 'guardian-dev');
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  // 404 right after a CRD is Established means its handler is not serving yet: retry. Anything
  // else (an invalid manifest, a denied request) is a real error.
  const apply = async (manifest: Manifest): Promise<boolean> => {
    const path = `${manifestPath(manifest)}?fieldManager=${fieldManager}&force=true&fieldValidation=Strict`;
    const response = await send(config, 'PATCH', path, manifest);
    if (response.status >= 200 && response.status < 300) return true;
    if (response.status === 404 && Date.now() < deadline) return false;
    throw new Error(
      `Could not apply ${manifest.kind} ${manifest.metadata.name}: ${response.status} ${statusMessage(response)}`,
    );
  };

  const crds = loadManifests('crds');
  for (const crd of crds) await apply(crd);
  for (const crd of crds) {
    await retrying(`CustomResourceDefinition ${crd.metadata.name} to be Established`, deadline, async () => {
      const response = await send(config, 'GET', manifestPath(crd));
      return response.status === 200 && isEstablished(response.body);
    });
  }
  for (const manifest of [...loadManifests('policies'), ...loadManifests('plans')]) {
    await retrying(`${manifest.kind} ${manifest.metadata.name} to be applied`, deadline, () =>
      apply(manifest),
    );
  }
}
