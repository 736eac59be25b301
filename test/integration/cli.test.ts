// `guardian scan|workflow|findings|agents|usage` run as real processes against the test stack (a
// platform and an operator of the suite's own), authenticated by API keys as a pipeline would be:
// the --fail-on exit codes with their control, SARIF, --output json compared with what the API
// and the cluster hold, and each class of bad input with its exit code and problem details.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KINDS } from '@guardian/crds/kinds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, catalog } from '../../platform/src/agents/index.ts';
import type { OrgRole } from '../../platform/src/rbac.ts';
import { agentSuite } from '../support/agents.ts';
import { ACTION_MAIN, jsonOf, runGuardian, runNode } from '../support/cli.ts';
import { adminClient, eventually, uniqueName } from '../support/kube.ts';
import { createUser, quotaPolicy, setMembership } from '../support/platform.ts';
import { migratePlatformDatabase } from '../support/workflows.ts';

const SUITE = 'cli';

/** Agents only this suite's platform knows: one finding of a known severity on the namespace. */
const severityAgent = (id: string, severity: 'high' | 'info'): Agent => ({
  id,
  name: `Test: ${severity}`,
  category: 'observability',
  description: `Reports its namespace at ${severity}.`,
  checks: [
    {
      id: 'namespace',
      severity,
      mode: 'spec',
      title: `A ${severity} finding`,
      target: 'Namespace',
      detect: (namespace) => ({
        message: `Namespace ${namespace.metadata.name} at ${severity}.`,
        remediation: 'None.',
        evidence: {},
      }),
    },
  ],
});

interface Run {
  run_id: string;
  findings: { check: string; severity: string; id: string }[];
}
interface Workflow {
  workflow_id: string;
  phase: string;
  steps: { name: string; phase: string }[];
}

beforeAll(migratePlatformDatabase);

describe('guardian CLI', () => {
  const org = uniqueName('it-cli');
  const tight = uniqueName('it-clq');
  const openPlan = quotaPolicy(uniqueName('it-cli-plan'), { displayName: 'open', features: { sso: false } });
  const onePlan = quotaPolicy(uniqueName('it-clq-plan'), {
    displayName: 'one agent',
    features: { sso: false },
    agentExecutionsPerMonth: 1,
  });
  const suite = agentSuite({
    suite: SUITE,
    plans: [openPlan, onePlan],
    organizations: [
      { name: org, spec: { plan: openPlan.metadata.name, environments: ['staging', 'production'] } },
      { name: tight, spec: { plan: onePlan.metadata.name, environments: ['staging'] } },
    ],
    agents: [...catalog, severityAgent('test-high', 'high'), severityAgent('test-info', 'info')],
  });
  const dir = mkdtempSync(join(tmpdir(), 'guardian-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** An API key of a new member of `orgId` with `role`, minted through the API as a person would. */
  async function apiKey(orgId: string, role: OrgRole): Promise<string> {
    const userId = await createUser();
    await setMembership(orgId, userId, role);
    const { token } = await suite.platform.platform.tokens.issue(
      userId,
      { superAdmin: false, orgs: { [orgId]: role }, teams: { [orgId]: [] } },
      orgId,
    );
    const created = await suite.call('POST', '/tenants/api-keys', token, { name: 'ci', role });
    expect(created.status, created.text).toBe(201);
    return (created.body as { key: string }).key;
  }
  let requester: string;
  let approver: string;
  const as = (key: string, args: string[]) =>
    runGuardian(
      args,
      { GUARDIAN_URL: suite.platform.url, GUARDIAN_API_KEY: key, GUARDIAN_POLL_INTERVAL_MS: '300' },
      dir,
    );

  beforeAll(async () => {
    requester = await apiKey(org, 'org_admin');
    approver = await apiKey(org, 'org_admin');
  });

  describe('scan', () => {
    const scan = (...args: string[]) =>
      as(requester, ['scan', '--env', 'staging', '--agents', 'test-high,test-info', ...args]);

    it('exits 1 when a finding meets --fail-on, 0 when none does, and the run is the one the API stored', async () => {
      const passing = await scan('--fail-on', 'critical', '--output', 'json');
      expect(passing.code, passing.stderr).toBe(0);
      const run = jsonOf<Run>(passing);
      expect(run.findings.map((f) => [f.check, f.severity]).sort()).toEqual([
        ['test-high/namespace', 'high'],
        ['test-info/namespace', 'info'],
      ]);
      const { token } = await suite.token(org, 'read_only');
      const stored = await suite.call('GET', `/agents/runs/${run.run_id}`, token);
      expect(stored.body).toMatchObject({ run_id: run.run_id, findings: run.findings });
      const read = await as(requester, [
        'findings',
        '--env',
        'staging',
        '--agent',
        'test-high',
        '-o',
        'json',
      ]);
      expect(read.code, read.stderr).toBe(0);
      expect(jsonOf<{ findings: { id: string; status: string }[] }>(read).findings).toEqual([
        expect.objectContaining({ id: run.findings.find((f) => f.severity === 'high')?.id, status: 'open' }),
      ]);

      for (const threshold of ['high', 'medium', 'low']) {
        const failing = await scan('--fail-on', threshold);
        expect(failing.code, `--fail-on ${threshold}: ${failing.stderr}`).toBe(1);
        expect(failing.stderr).toContain(`1 finding(s) at or above ${threshold}`);
        expect(failing.stdout).toMatch(/high\s+test-high\/namespace/);
      }
      // Without --fail-on findings never fail the build.
      expect((await scan()).code).toBe(0);
    });

    it('writes SARIF 2.1.0 on stdout and to --sarif, a result per finding fingerprinted by its id', async () => {
      const file = join(dir, 'guardian.sarif');
      const result = await scan('--format', 'sarif', '--sarif', file);
      expect(result.code, result.stderr).toBe(0);
      const sarif = jsonOf<{
        version: string;
        runs: { tool: { driver: { rules: { id: string }[] } }; results: Record<string, unknown>[] }[];
      }>(result);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(sarif);
      expect(sarif.version).toBe('2.1.0');
      const [only] = sarif.runs;
      expect(only?.tool.driver.rules.map((rule) => rule.id).sort()).toEqual([
        'test-high/namespace',
        'test-info/namespace',
      ]);
      expect(only?.results).toContainEqual(
        expect.objectContaining({
          ruleId: 'test-high/namespace',
          level: 'error',
          partialFingerprints: { 'guardianFinding/v1': expect.any(String) },
        }),
      );
    });

    it('exits 2 on bad arguments and on input the API refuses, showing the problem’s fields', async () => {
      const missing = await as(requester, ['scan']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain("required option '--env <environment>'");
      const badChoice = await scan('--fail-on', 'severe');
      expect(badChoice.code).toBe(2);
      expect(badChoice.stderr).toContain('Allowed choices are critical, high, medium, low');
      const badName = await as(requester, ['scan', '--env', 'Not_An_Env']);
      expect(badName.code).toBe(2);
      expect(badName.stderr).toMatch(/refused \(400 .*\n {2}environment: /);
      const unknownAgent = await as(requester, ['scan', '--env', 'staging', '--agents', 'no-such-agent']);
      expect(unknownAgent.code).toBe(2);
      expect(unknownAgent.stderr).toContain('no-such-agent');
      // The control: the same command with a known agent passes.
      expect((await as(requester, ['scan', '--env', 'staging', '--agents', 'test-info'])).code).toBe(0);
    });

    it('exits 3 without a valid credential and 4 over the plan’s quota, with the quota in the details', async () => {
      const unset = await runGuardian(['scan', '--env', 'staging'], { GUARDIAN_URL: suite.platform.url });
      expect(unset.code).toBe(3);
      expect(unset.stderr).toContain('GUARDIAN_API_KEY');
      const forged = await as(`${requester.slice(0, -4)}AAAA`, ['scan', '--env', 'staging']);
      expect(forged.code).toBe(3);
      expect(forged.stderr).toContain('401');
      expect(forged.stderr).not.toContain(requester.slice(-20));

      const tightKey = await apiKey(tight, 'org_admin');
      const two = await as(tightKey, [
        'scan',
        '--env',
        'staging',
        '--agents',
        'test-high,test-info',
        '-o',
        'json',
      ]);
      expect(two.code).toBe(4);
      // The progress line first, then the error as one JSON line.
      expect(JSON.parse(two.stderr.trim().split('\n').at(-1) ?? '')).toMatchObject({
        exit_code: 4,
        details: [expect.stringMatching(/^agent_executions: 0 used of 1/)],
      });
      // The control: one agent fits the plan's one execution.
      expect((await as(tightKey, ['scan', '--env', 'staging', '--agents', 'test-info'])).code).toBe(0);
    });
  });

  describe('workflow', () => {
    interface Stored {
      spec: Record<string, unknown>;
      status?: { phase?: string };
    }
    const runOf = async (id: string) =>
      (await adminClient().get(KINDS.workflowRun, id, `org-${org}`)) as unknown as Stored;

    it('starts a run and waits until it succeeds; status and list answer the same run', async () => {
      const started = await as(requester, [
        'workflow',
        'start',
        'deployment_health_check',
        '--env',
        'staging',
        '--param',
        'window=1s',
        '--wait',
        '--timeout',
        '240',
        '-o',
        'json',
      ]);
      expect(started.code, started.stderr).toBe(0);
      const run = jsonOf<Workflow>(started);
      expect(run.phase).toBe('Succeeded');
      expect(started.stderr).toContain(`Started ${run.workflow_id}`);
      expect((await runOf(run.workflow_id)).spec).toMatchObject({
        template: 'deployment_health_check',
        environment: 'staging',
        parameters: { window: '1s' },
      });
      const status = await as(approver, ['workflow', 'status', run.workflow_id, '-o', 'json']);
      expect(jsonOf<Workflow>(status)).toEqual(run);
      const table = await as(approver, ['workflow', 'status', run.workflow_id]);
      expect(table.stdout).toMatch(/analysis\s+agents\s+Succeeded/);
      const listed = await as(approver, [
        'workflow',
        'list',
        '--template',
        'deployment_health_check',
        '-o',
        'json',
      ]);
      expect(jsonOf<{ workflows: Workflow[] }>(listed).workflows.map((w) => w.workflow_id)).toContain(
        run.workflow_id,
      );
      // An ended run cannot be cancelled: the API's 409 is exit 2, its detail shown.
      const late = await as(requester, ['workflow', 'cancel', run.workflow_id]);
      expect(late.code).toBe(2);
      expect(late.stderr).toContain('409');
    }, 300_000);

    it('waits at a gate until --timeout (exit 1); the requester may not approve, another admin may', async () => {
      const waited = await as(requester, [
        'workflow',
        'start',
        'cost_optimization_pipeline',
        '--env',
        'production',
        '--wait',
        '--timeout',
        '60',
      ]);
      const id = /Started (wf-[a-z0-9-]+)/.exec(waited.stderr)?.[1] ?? '';
      expect(waited.code, waited.stderr).toBe(1);
      expect(waited.stderr).toContain(`${id} is still AwaitingApproval after 60 s`);

      const own = await as(requester, ['workflow', 'approve', id]);
      expect(own.code).toBe(3);
      expect(own.stderr).toContain('403');
      const approved = await as(approver, ['workflow', 'approve', id, '--comment', 'Looked at it']);
      expect(approved.code, approved.stderr).toBe(0);
      const approvals = await adminClient().list(KINDS.workflowApproval, { namespace: `org-${org}` });
      expect(approvals.items.map((a) => (a as unknown as Stored).spec)).toContainEqual(
        expect.objectContaining({ workflowRun: id, decision: 'approve', comment: 'Looked at it' }),
      );
      await eventually(
        `${id} to move past its gate`,
        async () => {
          const run = await runOf(id);
          const phase = run.status?.phase;
          return phase !== 'AwaitingApproval' ? phase : undefined;
        },
        120_000,
      );
    }, 300_000);

    it('rejects one gated run and cancels another; the cluster holds both outcomes', async () => {
      const start = async () => {
        const result = await as(requester, [
          'workflow',
          'start',
          'cost_optimization_pipeline',
          '--env',
          'production',
          '-o',
          'json',
        ]);
        expect(result.code, result.stderr).toBe(0);
        return jsonOf<Workflow>(result).workflow_id;
      };
      const [rejected, cancelled] = [await start(), await start()];
      const gate = (id: string) =>
        eventually(
          `${id} at its gate`,
          async () => {
            const result = await as(approver, ['workflow', 'status', id, '-o', 'json']);
            return jsonOf<Workflow>(result).phase === 'AwaitingApproval' ? true : undefined;
          },
          120_000,
        );
      await gate(rejected);
      const rejecting = await as(approver, ['workflow', 'reject', rejected, '--comment', 'Not now']);
      expect(rejecting.code, rejecting.stderr).toBe(0);
      const cancelling = await as(requester, ['workflow', 'cancel', cancelled]);
      expect(cancelling.code, cancelling.stderr).toBe(0);
      const ended = (id: string, phase: string) =>
        eventually(
          `${id} ${phase}`,
          async () => {
            const run = await runOf(id);
            return run.status?.phase === phase ? true : undefined;
          },
          120_000,
        );
      await ended(rejected, 'Rejected');
      await ended(cancelled, 'Cancelled');
      const missing = await as(requester, ['workflow', 'status', 'wf-no-such-run']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('404');
    }, 300_000);
  });

  it('lists agents and usage as the API answers them', async () => {
    const agents = await as(requester, ['agents', '-o', 'json']);
    expect(agents.code, agents.stderr).toBe(0);
    expect(jsonOf<{ agents: { id: string }[] }>(agents).agents.map((a) => a.id)).toEqual(
      expect.arrayContaining(['test-high', 'test-info', ...catalog.map((agent) => agent.id)]),
    );
    const usage = await as(requester, ['usage', '-o', 'json']);
    expect(usage.code, usage.stderr).toBe(0);
    expect(jsonOf(usage)).toMatchObject({ org_id: org, plan: openPlan.metadata.name });
    const table = await as(requester, ['usage']);
    expect(table.stdout).toMatch(/agent_executions_per_month\s+\d+\s+unlimited/);
  });

  describe('the GitHub Action', () => {
    /** The action's entry point with the environment a runner gives it: inputs, output and summary files. */
    async function action(inputs: Record<string, string>) {
      const output = join(dir, 'github-output');
      const summary = join(dir, 'step-summary');
      writeFileSync(output, '');
      writeFileSync(summary, '');
      const env = Object.fromEntries(
        Object.entries({ url: suite.platform.url, org_id: org, api_key: requester, ...inputs }).map(
          ([name, value]) => [`INPUT_${name.toUpperCase()}`, value],
        ),
      );
      const result = await runNode(
        ACTION_MAIN,
        [],
        { ...env, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary },
        dir,
      );
      const outputs = Object.fromEntries(
        readFileSync(output, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      return { ...result, outputs, summary: readFileSync(summary, 'utf8') };
    }

    it('fails at fail_on with its outputs, SARIF and job summary written; passes without a threshold', async () => {
      const failed = await action({ environment: 'staging', categories: 'observability', fail_on: 'high' });
      expect(failed.code, failed.stdout + failed.stderr).toBe(1);
      expect(failed.stdout.split('\n')[0]).toBe(`::add-mask::${requester}`);
      expect(failed.stdout.split(requester)).toHaveLength(2);
      expect(failed.stdout).toMatch(/::error title=Guardian::\d+ finding\(s\) at or above high in staging/);
      expect(failed.outputs).toMatchObject({
        sarif_file: 'guardian.sarif',
        high: expect.stringMatching(/^[1-9]/),
      });
      expect(Number(failed.outputs.total)).toBeGreaterThanOrEqual(2);
      const sarif = JSON.parse(readFileSync(join(dir, 'guardian.sarif'), 'utf8')) as {
        runs: { results: unknown[] }[];
      };
      expect(sarif.runs[0]?.results).toHaveLength(Number(failed.outputs.total));
      expect(failed.summary).toContain('## Guardian: ');
      expect(failed.summary).toContain('**Failed**');
      expect(failed.summary).toContain('`test-high/namespace`');
      const stored = await suite.call(
        'GET',
        `/agents/runs/${failed.outputs.run_id}`,
        (await suite.token(org, 'read_only')).token,
      );
      expect(stored.status).toBe(200);

      const passed = await action({
        environment: 'staging',
        categories: 'observability',
        fail_on: 'none',
        sarif_file: 'out.sarif',
      });
      expect(passed.code, passed.stdout + passed.stderr).toBe(0);
      expect(passed.outputs.sarif_file).toBe('out.sarif');
      expect(passed.summary).toContain('No threshold');
    });

    it('refuses bad inputs with the CLI’s exit codes and an error annotation', async () => {
      const badThreshold = await action({ environment: 'staging', fail_on: 'severe' });
      expect(badThreshold.code).toBe(2);
      expect(badThreshold.stdout).toContain('::error title=Guardian::fail_on must be one of');
      const noEnv = await action({ environment: '' });
      expect(noEnv.code).toBe(2);
      const badKey = await action({ environment: 'staging', api_key: 'gdn_0000000000000000_x' });
      expect(badKey.code).toBe(3);
      expect(badKey.outputs).toEqual({});
    });
  });
});
