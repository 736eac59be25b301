import { parseArgs } from 'node:util';
import { KINDS } from '@guardian/crds/kinds';
import { KubeClient } from '@guardian/kube/client';
import { systemClock } from '@guardian/kube/clock';
import { loadClusterAccess } from '@guardian/kube/kubeconfig';
import { z } from 'zod';
import { parseConfig, postgresUrl } from '../config.ts';
import { connect } from '../db.ts';
import { AuditLog, INSTANCE_CHAIN } from './AuditLog.ts';
import { AuditService } from './AuditService.ts';
import { CHECKPOINT_EVERY, checkpointKey } from './hash.ts';
import type { Verification } from './verify.ts';

export const auditUsage = `Usage: guardian audit verify [--org ORG]

Verifies the audit trail of one organization (--org), or of every Organization in the cluster
(KUBECONFIG) plus the instance's own chain (${INSTANCE_CHAIN}): each entry's hash, the links
between entries, a signed checkpoint every ${CHECKPOINT_EVERY} entries and the signed chain head.
Needs DATABASE_URL and GUARDIAN_ENCRYPTION_KEY (the signing key is derived from it). Prints each
chain's last seq and hash (keep them outside the database to detect a later rollback). Exits 1
when any chain fails, printing each problem (altered, gap, broken-link, truncated,
checkpoint-forged, checkpoint-missing, head-forged, ...).`;

const auditConfig = z.object({
  DATABASE_URL: postgresUrl,
  GUARDIAN_ENCRYPTION_KEY: z
    .string()
    .transform((value) => Buffer.from(value, 'base64'))
    .refine((key) => key.length === 32, { error: 'must be 32 random bytes in base64' }),
});

async function allOrganizations(): Promise<string[]> {
  const kube = new KubeClient(loadClusterAccess());
  try {
    const list = await kube.list<{ metadata?: { name?: string } }>(KINDS.organization, {});
    return list.items.flatMap((org) => (org.metadata?.name ? [org.metadata.name] : []));
  } finally {
    await kube.close();
  }
}

function describe(result: Verification): string {
  const head = `${result.orgId}: ${result.ok ? 'OK' : 'FAILED'} (${result.entries} entries, ${result.checkpoints} checkpoints, last seq ${result.last.seq} hash ${result.last.hash})`;
  return [head, ...result.problems.map((p) => `  seq ${p.seq}: ${p.kind}`)].join('\n');
}

/** `guardian audit verify [--org X]`. */
export async function runAudit(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { org: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals[0] !== 'verify' || positionals.length !== 1) throw new Error(auditUsage);
  const config = parseConfig(auditConfig);
  const orgs = values.org ? [values.org] : [...(await allOrganizations()), INSTANCE_CHAIN];
  const db = connect(config.DATABASE_URL, { max: 1 });
  const key = checkpointKey(config.GUARDIAN_ENCRYPTION_KEY);
  const audit = new AuditService({ log: new AuditLog({ db, key, clock: systemClock }), db, key });
  try {
    let failed = 0;
    for (const orgId of orgs) {
      const result = await audit.verifyChain(orgId);
      console.log(describe(result));
      if (!result.ok) failed++;
    }
    if (failed > 0) process.exitCode = 1;
  } finally {
    await db.destroy();
  }
}
