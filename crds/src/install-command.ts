// `guardian install-crds`: what Helm leaves undone on upgrade (it installs a chart's crds/ once and
// never again), run by the chart's pre-install/pre-upgrade hook Job and usable by hand.
import { parseArgs } from 'node:util';
import { KubeClient } from '@guardian/kube/client';
import { loadClusterAccess } from '@guardian/kube/kubeconfig';
import { installManifests } from './install.ts';

export const installCrdsUsage = `Usage: guardian install-crds [--all] [--timeout SECONDS]

Applies Guardian's CustomResourceDefinitions with server-side apply (field manager
guardian-install-crds) and waits until they are Established. A CRD that drops a version objects
may still be stored in has its objects rewritten in the storage version and its
status.storedVersions set to that version first. Idempotent: run it again and nothing changes.

  --all              also apply the admission policies and the default plans (installs without
                     the Helm chart; the chart renders those itself)
  --timeout SECONDS  how long to wait for the apiserver (default 120)

Uses the in-cluster ServiceAccount, or KUBECONFIG.`;

export async function runInstallCrds(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { all: { type: 'boolean' }, timeout: { type: 'string' } },
  });
  const seconds = Number(values.timeout ?? '120');
  if (!Number.isInteger(seconds) || seconds <= 0)
    throw new Error(`--timeout: not a positive number of seconds\n\n${installCrdsUsage}`);
  const client = new KubeClient(loadClusterAccess());
  try {
    await installManifests(client, {
      fieldManager: 'guardian-install-crds',
      timeoutMs: seconds * 1000,
      crdsOnly: !values.all,
    });
    console.log(values.all ? 'Applied the CRDs, admission policies and default plans' : 'Applied the CRDs');
  } finally {
    await client.close();
  }
}
