// The workflow events of webhooks, from the operator (run phases are in WorkflowRun status, which
// it drives): a run waiting at a gate emits workflow.awaiting_approval, an ended one
// workflow.finished, each once however often the run is observed, even by a restarted operator,
// and each queued for the endpoints subscribed to it.

import { builtInTemplates } from '@guardian/platform/workflows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../platform/src/db.ts';
import { WebhookStore } from '../../platform/src/stores/WebhookStore.ts';
import { withTenant } from '../../platform/src/stores/with-tenant.ts';
import { sealSecret } from '../../platform/src/webhooks/secret.ts';
import { adminClient, uniqueName } from '../support/kube.ts';
import { applyGuardianManifests, startOperatorInProcess } from '../support/operator.ts';
import { SUITE_LABEL, suiteSelector } from '../support/operator-suite.ts';
import { encryptionKey, quotaPolicy } from '../support/platform.ts';
import { DEPLOYMENTS } from '../support/remediation.ts';
import { stackEnv } from '../support/stack.ts';
import { apply, deleteOrganizations, organization, organizationReady } from '../support/tenancy.ts';
import { migratePlatformDatabase, runEnded, runWhere, startRun, workflowRun } from '../support/workflows.ts';

const suite = uniqueName('webhooks-workflows');
const labels = { [SUITE_LABEL]: suite };
const org = uniqueName('wfh');
const plan = uniqueName('wfh-plan');
const namespace = uniqueName('it-wfh-op');
const templates = builtInTemplates.with([
  {
    name: 'gated_notice',
    namePrefix: 'notice',
    description: 'A medium-risk gate, then a notification',
    steps: [
      { name: 'gate', type: 'approval', description: 'Medium risk', risk: 'medium' },
      { name: 'tell', type: 'notify', description: 'Says what ran', message: '{template} ran' },
    ],
  },
]);
const db = connect(stackEnv('DATABASE_URL'), { max: 2 });
let operator: { stop(): Promise<void> } | undefined;
let endpoint = '';

const start = () => startOperatorInProcess({ namespace, selector: suiteSelector(suite), templates });

beforeAll(async () => {
  await migratePlatformDatabase();
  await applyGuardianManifests();
  operator = await start();
  await apply({ ...quotaPolicy(plan, { displayName: plan }), metadata: { name: plan, labels } });
  const base = organization(org, { plan, environments: ['staging', 'production'] });
  await apply({ ...base, metadata: { ...base.metadata, labels } });
  await organizationReady(org, 'True', 120_000);
  const key = Buffer.from(encryptionKey(), 'base64');
  const created = await new WebhookStore(db).create(
    org,
    {
      url: 'https://hooks.example.com/workflows',
      description: '',
      events: ['workflow.awaiting_approval', 'workflow.finished', 'finding.opened'],
      secretSealed: (id) => sealSecret(key, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', id),
      createdBy: null,
    },
    50,
  );
  endpoint = created?.id ?? '';
}, 180_000);

afterAll(async () => {
  await deleteOrganizations(org);
  await operator?.stop();
  await withTenant(db, { orgId: org }, (trx) => trx('webhook_endpoints').where({ org_id: org }).delete());
  await db.destroy();
}, 120_000);

/** The outbox's events of a run, with how many deliveries each has queued for the endpoint. */
const eventsOf = (name: string) =>
  withTenant(db, { orgId: org }, (trx) =>
    trx('webhook_events as e')
      .leftJoin('webhook_deliveries as d', 'd.event_seq', 'e.seq')
      .where({ 'e.org_id': org })
      .whereRaw("e.payload->'data'->>'workflow_id' = ?", [name])
      .groupBy('e.seq')
      .orderBy('e.seq')
      .select<Array<{ type: string; idempotency_key: string; deliveries: string }>>(
        'e.type',
        'e.idempotency_key',
        db.raw('count(d.id) filter (where d.endpoint_id = ?) as deliveries', [endpoint]),
      ),
  );

describe('workflow webhook events, emitted by the operator', () => {
  it('emits awaiting_approval at a gate and finished at the end, once each, across an operator restart', async () => {
    const name = uniqueName('wf-notice');
    const started = await startRun(org, name, { template: 'gated_notice', environment: 'production' });
    const uid = started.metadata?.uid ?? '';
    await runWhere(org, name, 'AwaitingApproval', (run) => run.status?.phase === 'AwaitingApproval');
    await expect.poll(() => eventsOf(name), { timeout: 30_000 }).toHaveLength(1);
    // Observed again by a new operator (its memory of what it emitted gone): still one event.
    await operator?.stop();
    operator = await start();
    await runWhere(org, name, 'still waiting', (run) => run.status?.phase === 'AwaitingApproval');
    await apply(
      workflowRun(org, name, { template: 'gated_notice', environment: 'production', cancelRequested: true }),
    );
    const ended = await runEnded(org, name);
    expect(ended.status?.phase).toBe('Cancelled');
    await expect.poll(() => eventsOf(name), { timeout: 30_000 }).toHaveLength(2);
    expect(await eventsOf(name)).toEqual([
      {
        type: 'workflow.awaiting_approval',
        idempotency_key: `workflow:${uid}:AwaitingApproval:gate`,
        deliveries: '1',
      },
      { type: 'workflow.finished', idempotency_key: `workflow:${uid}:Cancelled`, deliveries: '1' },
    ]);
  });

  it('emits only finished for a run whose gate passes on its own', async () => {
    const name = uniqueName('wf-notice');
    const started = await startRun(org, name, { template: 'gated_notice', environment: 'staging' });
    expect((await runEnded(org, name)).status?.phase).toBe('Succeeded');
    await expect.poll(() => eventsOf(name), { timeout: 30_000 }).toHaveLength(1);
    expect(await eventsOf(name)).toEqual([
      {
        type: 'workflow.finished',
        idempotency_key: `workflow:${started.metadata?.uid}:Succeeded`,
        deliveries: '1',
      },
    ]);
  });

  it('emits finding.opened for the findings an agents step opens, once while they stay open', async () => {
    const staging = `org-${org}--staging`;
    await adminClient().apply(
      DEPLOYMENTS,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'bare', namespace: staging },
        spec: {
          selector: { matchLabels: { app: 'bare' } },
          template: {
            metadata: { labels: { app: 'bare' } },
            spec: { containers: [{ name: 'app', image: 'registry.example.com/app:1' }] },
          },
        },
      } as never,
      { fieldManager: 'guardian-test' },
    );
    const opened = () =>
      withTenant(db, { orgId: org }, (trx) =>
        trx('webhook_events')
          .where({ org_id: org, type: 'finding.opened' })
          .whereRaw("payload->'data'->'finding'->'resource'->>'name' = 'bare'")
          .select<Array<{ idempotency_key: string; payload: { data: { run_id: string } } }>>(
            'idempotency_key',
            'payload',
          ),
      );
    const first = uniqueName('wf-health');
    await startRun(org, first, { environment: 'staging', parameters: { window: '1s' } });
    expect((await runEnded(org, first)).status?.phase).toBe('Succeeded');
    const events = await opened();
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(event.idempotency_key).toMatch(/^finding\.opened:staging:/);
    // A second run reports the same findings, still open: nothing new.
    const second = uniqueName('wf-health');
    await startRun(org, second, { environment: 'staging', parameters: { window: '1s' } });
    expect((await runEnded(org, second)).status?.phase).toBe('Succeeded');
    expect(await opened()).toEqual(events);
  });
});
