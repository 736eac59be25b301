import { isDeepStrictEqual } from 'node:util';
import type { Organization, OrganizationStatusBackup } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import type { KubeClient } from '@guardian/kube/client';
import type { Clock } from '@guardian/kube/clock';
import type { Informer } from '@guardian/kube/informer';
import type { KubeObject } from '@guardian/kube/resources';
import type { BackupManifest, BackupRequest } from '@guardian/platform/backup';
import { type ObjectStore, parseStorageSecret, STORAGE_SECRET, storeWith } from '@guardian/platform/storage';
import { DATABASE_SECRET } from '@guardian/platform/tenant-db';
import { type Condition, type DesiredCondition, setConditions } from '../runtime/conditions.ts';
import type { Reconciler } from '../runtime/controller.ts';
import type { EventRecorder } from '../runtime/events.ts';
import { failpoint } from '../runtime/failpoint.ts';
import { controlNamespace } from '../tenancy/names.ts';
import {
  type BackupDefaults,
  type BackupPlan,
  backupCondition,
  type Effective,
  effectiveBackup,
  nextRunAfter,
  planBackup,
  timestamp,
} from './backup.plan.ts';
import { BACKUP_CONDITION } from './organization.status.ts';

/** status.backup and the condition BackupSucceeded are this controller's alone. */
export const BACKUP_FIELD_MANAGER = 'guardian-operator-backup';
/** A scheduled reconcile comes at least this often, whatever the schedule (a clock that jumped, a lost requeue). */
const MAX_WAIT_MS = 3_600_000;
/** How soon to look again while the organization's database or storage is not provisioned yet. */
const NOT_READY_WAIT_MS = 15_000;

export interface BackupDeps {
  client: KubeClient;
  clock: Clock;
  events: EventRecorder;
  organizations: Informer<Organization>;
  /** The operator's Secrets (guardian-database and guardian-storage of every organization). */
  secrets: Informer<KubeObject>;
  /** Whether organizations have storage (a target is configured). */
  storageConfigured: boolean;
  /** BACKUP_ENCRYPTION_KEY; without it no backup is taken. */
  key: Buffer | undefined;
  defaults: BackupDefaults;
  backup: (request: BackupRequest) => Promise<BackupManifest>;
  prune: (store: ObjectStore, keep: number) => Promise<string[]>;
}

type Secret = KubeObject & { data?: Record<string, string> };

/**
 * Backs up each organization's tenant database on its schedule (spec.backup, else the
 * installation's defaults), or when asked (the annotation guardian.aiops.dev/backup-requested).
 * It runs only on the leader (the manager starts controllers once the Lease is held). Scheduling
 * is `requeueAfter` to the nextRun recorded in status, so a restart loses nothing; a backup is
 * recorded as running (intent) before it starts, so one a crash interrupted is noticed and tried
 * again under the same id, whose incomplete objects it discards first.
 */
export function backupReconciler(deps: BackupDeps): Reconciler {
  return {
    name: 'backup',
    async reconcile(key) {
      const cached = deps.organizations.get(key);
      if (!cached || cached.metadata?.deletionTimestamp) return undefined;
      const found = effectiveBackup(cached, deps.defaults);
      const now = new Date(deps.clock.now());
      if ('error' in found) {
        const schedule = cached.spec.backup?.schedule;
        const effective = { schedule, retention: deps.defaults.retention, cron: undefined };
        return act(deps, cached, effective, { kind: 'invalid', message: found.error }, now);
      }
      const effective = found;
      let org = cached;
      let plan = planBackup(cached, effective, now);
      // The cache may not show this controller's last write yet: act only on what the apiserver says.
      if (plan.kind === 'run' || plan.kind === 'give-up') {
        org = await deps.client.get<Organization>(KINDS.organization, key);
        plan = planBackup(org, effective, now);
      }
      return act(deps, org, effective, plan, now);
    },
  };
}

async function act(deps: BackupDeps, org: Organization, effective: Effective, plan: BackupPlan, now: Date) {
  const status = org.status?.backup;
  const base: OrganizationStatusBackup = {
    ...status,
    schedule: effective.schedule,
    retention: effective.retention,
  };
  if (!effective.schedule) {
    delete base.schedule;
    delete base.nextRun;
  }
  switch (plan.kind) {
    case 'off':
      // A schedule removed: keep the record of past backups, drop what was planned.
      if (status || org.status?.conditions?.some((c) => c.type === BACKUP_CONDITION))
        await writeBackupStatus(deps, org, status && base);
      return undefined;
    case 'invalid':
      await writeBackupStatus(
        deps,
        org,
        { ...base, nextRun: undefined },
        { reason: 'InvalidSchedule', message: plan.message },
      );
      return undefined;
    case 'schedule':
    case 'wait': {
      const problem = notConfigured(deps);
      await writeBackupStatus(deps, org, { ...base, nextRun: timestamp(plan.nextRun) }, problem);
      return { requeueAfter: Math.max(1000, Math.min(plan.nextRun.getTime() - now.getTime(), MAX_WAIT_MS)) };
    }
    case 'give-up': {
      const message = `interrupted ${plan.attempts} times (the operator stopped during the backup); not tried again`;
      return finish(deps, org, base, effective, { id: plan.id, failure: message });
    }
    case 'run':
      return run(deps, org, effective, plan, base, now);
  }
}

async function run(
  deps: BackupDeps,
  org: Organization,
  effective: Effective,
  plan: Extract<BackupPlan, { kind: 'run' }>,
  base: OrganizationStatusBackup,
  now: Date,
) {
  const problem = notConfigured(deps);
  if (problem || !deps.key) {
    await writeBackupStatus(deps, org, base, problem);
    return undefined;
  }
  const name = org.metadata?.name ?? '';
  const database = secretOf(deps, name, DATABASE_SECRET);
  const storage = parseStorageSecret(secretOf(deps, name, STORAGE_SECRET)?.data);
  const url = decode(database?.data?.url);
  if (!url || !storage) return { requeueAfter: NOT_READY_WAIT_MS };

  // Intent, recorded before anything is written: a crash from here on is seen at the next reconcile.
  const running: OrganizationStatusBackup = {
    ...base,
    running: { id: plan.id, startedAt: timestamp(now), attempt: plan.attempt },
    ...(plan.request ? { lastRequest: plan.request } : {}),
  };
  await writeBackupStatus(deps, org, running);
  failpoint('backup-after-intent', name);

  const store = storeWith(storage);
  try {
    const manifest = await deps.backup({
      store,
      key: deps.key,
      id: plan.id,
      organization: name,
      url,
      server: org.status?.database?.server ?? '',
      clock: deps.clock,
      point: (point) => failpoint(point, name),
    });
    await deps.prune(store, effective.retention);
    return finish(deps, org, running, effective, { id: manifest.id, bytes: manifest.bytes });
  } catch (error) {
    return finish(deps, org, running, effective, { id: plan.id, failure: describe(error).slice(0, 1000) });
  }
}

/**
 * Records how a backup ended: no longer running, its success or failure, the next run planned;
 * an Event says it too. Returns when to look again.
 */
async function finish(
  deps: BackupDeps,
  org: Organization,
  status: OrganizationStatusBackup,
  effective: Effective,
  outcome: { id: string; bytes: number } | { id: string; failure: string },
) {
  const now = new Date(deps.clock.now());
  const at = timestamp(now);
  const done: OrganizationStatusBackup = {
    ...status,
    running: undefined,
    ...('failure' in outcome
      ? { lastFailure: { id: outcome.id, failedAt: at, message: outcome.failure } }
      : { lastSuccess: { id: outcome.id, completedAt: at, bytes: outcome.bytes } }),
    nextRun: optional(nextRunAfter(status, effective.cron, now)),
  };
  await writeBackupStatus(deps, org, done);
  if ('failure' in outcome)
    await deps.events.record(
      org,
      'Warning',
      'BackupFailed',
      `Backup ${outcome.id} failed: ${outcome.failure}`,
    );
  else
    await deps.events.record(
      org,
      'Normal',
      'BackupCompleted',
      `Backup ${outcome.id} completed (${outcome.bytes} bytes)`,
    );
  return requeueFor(done, now);
}

function requeueFor(status: OrganizationStatusBackup, now: Date) {
  if (!status.nextRun) return undefined;
  const wait = new Date(status.nextRun).getTime() - now.getTime();
  return { requeueAfter: Math.max(1000, Math.min(wait, MAX_WAIT_MS)) };
}

function notConfigured(deps: BackupDeps): { reason: string; message: string } | undefined {
  if (!deps.storageConfigured)
    return {
      reason: 'NotConfigured',
      message: 'No object storage is configured (S3_ENDPOINT or STORAGE_DIR): backups are off',
    };
  if (!deps.key)
    return { reason: 'NotConfigured', message: 'BACKUP_ENCRYPTION_KEY is not set: backups are off' };
  return undefined;
}

function secretOf(deps: BackupDeps, org: string, name: string): Secret | undefined {
  return deps.secrets.get(`${controlNamespace(org)}/${name}`) as Secret | undefined;
}

const decode = (value: string | undefined) =>
  value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');

const optional = (at: Date | undefined) => (at ? timestamp(at) : undefined);

/** The error and its causes, one line: what an administrator needs, never a credential (none is in them). */
function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error && parts.length < 4; e = e.cause) parts.push(e.message);
  return parts.length > 0 ? parts.join(': ') : String(error);
}

/**
 * Applies status.backup and the condition BackupSucceeded with this controller's own field
 * manager (the Organization reconciler owns the rest of the status); nothing when both are as
 * they are, so a reconcile that only waits writes nothing.
 */
async function writeBackupStatus(
  deps: BackupDeps,
  org: Organization,
  backup: OrganizationStatusBackup | undefined,
  problem?: { reason: string; message: string },
): Promise<void> {
  const clean = backup && (JSON.parse(JSON.stringify(backup)) as OrganizationStatusBackup);
  const desired: DesiredCondition = backupCondition(clean, problem);
  const existing = org.status?.conditions?.filter((c) => c.type === BACKUP_CONDITION) as
    | Condition[]
    | undefined;
  const [condition] = setConditions(existing, [desired], new Date(deps.clock.now()));
  const same =
    isDeepStrictEqual(clean, org.status?.backup && JSON.parse(JSON.stringify(org.status.backup))) &&
    isDeepStrictEqual(condition, existing?.[0]);
  if (same) return;
  await deps.client.apply(
    KINDS.organization,
    {
      apiVersion: KINDS.organization.apiVersion,
      kind: KINDS.organization.kind,
      metadata: { name: org.metadata?.name },
      status: { ...(clean ? { backup: clean } : {}), conditions: [condition] },
    } as KubeObject,
    { fieldManager: BACKUP_FIELD_MANAGER, subresource: 'status' },
  );
  if (problem && existing?.[0]?.reason !== problem.reason)
    await deps.events.record(org, 'Warning', problem.reason, problem.message);
}
