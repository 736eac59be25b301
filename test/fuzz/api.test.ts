// The API under requests generated from its own OpenAPI document (schemathesis), with a real token
// for every role, in organizations made for the run. Runs alone, after the other suites: a super
// admin's generated requests reach every organization the platform sees.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../platform/src/rbac.ts';
import { agentSuite } from '../support/agents.ts';
import { uniqueName } from '../support/kube.ts';
import { plan, setMembership, signedIn } from '../support/platform.ts';
import { deleteOrganizations, objects } from '../support/tenancy.ts';

/** The pinned schemathesis, installed into .tools/ on first use (make test starts that early). */
const schemathesis = () => execFileSync('scripts/ensure-schemathesis.sh', { encoding: 'utf8' }).trim();

// Schemathesis's checks, less one: positive_data_acceptance expects every schema-valid request to
// succeed, but a schema cannot say "a cursor this API gave" or "a team that exists", so valid-looking
// references are rightly refused. problem_json is ours (checks.py).
const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_headers_conformance',
  'response_schema_conformance',
  'negative_data_rejection',
  'missing_required_header',
  'unsupported_method',
  'use_after_free',
  'ensure_resource_availability',
  'ignored_auth',
  'problem_json',
];

/**
 * Each role's run, least privileged first (later runs change what earlier ones would see), capped
 * in examples per operation and in phases so that the suite takes about five minutes in CI: the
 * coverage phase's systematic cases for the roles that may write, random fuzzing for all, and
 * stateful sequences (following the document's links) for the roles that create what they link.
 */
const RUNS: { role: Role; email: string; examples: number; phases: string; exclude?: string[] }[] = [
  { role: 'read_only', email: 'erin@startupco.io', examples: 5, phases: 'fuzzing' },
  { role: 'team_member', email: 'frank@startupco.io', examples: 5, phases: 'fuzzing' },
  { role: 'org_admin', email: 'dana@startupco.io', examples: 5, phases: 'coverage,fuzzing' },
  { role: 'org_owner', email: 'carol@startupco.io', examples: 10, phases: 'coverage,fuzzing,stateful' },
  // Confined: every organization a super admin creates waits for an operator to provision it
  // (namespaces, a database); platform-organizations.test.ts covers creation.
  {
    role: 'super_admin',
    email: 'root@guardian.local',
    examples: 5,
    phases: 'fuzzing,stateful',
    exclude: ['postTenantsOrganizations'],
  },
];

const DELETE_ORG = 'deleteTenantsOrganizationsOrgId';

interface Report {
  /** The operations of the document, and how many this run tested. */
  total: number;
  operations: number;
  cases: number;
  code: number | null;
  /** Schemathesis's FAILURES section (the whole output is in `log`). */
  failures: string;
}

describe('the API under generated requests', () => {
  const basicPlan = plan(uniqueName('fz-plan'), false);
  const orgId = uniqueName('fz-org');
  // Provisioned by an operator of the suite's own, so that agent runs and findings reach a database.
  const suite = agentSuite({
    suite: 'fuzz',
    plans: [basicPlan],
    organizations: [
      {
        name: orgId,
        spec: { plan: basicPlan.metadata.name, owners: [{ kind: 'User', name: 'carol@startupco.io' }] },
      },
    ],
    smtp: true,
    // Backups configured (the stack's S3 server), so the backup operations answer as installed.
    env: { BACKUP_ENCRYPTION_KEY: randomBytes(32).toString('base64') },
  });
  const api = suite.platform;
  const tokens = new Map<Role, string>();
  let before: Set<string>;
  let command: string;

  beforeAll(async () => {
    command = schemathesis();
    before = new Set(await organizationNames());
    for (const { role, email } of RUNS) {
      const { browser, userId } = await signedIn(api.url, email);
      if (role !== 'org_owner' && role !== 'super_admin') await setMembership(orgId, userId, role);
      tokens.set(role, await browser.token(orgId));
    }
  }, 120_000);

  // Organizations the super admin's requests created, which no operator will ever reconcile here.
  afterAll(async () => {
    const created = (await organizationNames()).filter((name) => !before.has(name));
    await deleteOrganizations(...created);
  });

  for (const { role, examples, phases, exclude = [] } of RUNS) {
    it(`holds for ${role === 'org_owner' ? 'an' : 'a'} ${role}`, { timeout: 300_000 }, async () => {
      // Deleting the run's organization ends every later run; it is its own last case.
      const excluded = [DELETE_ORG, ...exclude].map((id) => `--exclude-operation-id=${id}`);
      const report = await fuzz(tokens.get(role) ?? '', examples, [`--phases=${phases}`, ...excluded]);
      expect(report.code, report.failures).toBe(0);
      // Every operation of the document but the excluded ones, each tested.
      expect(report.operations).toBe(report.total - 1 - exclude.length);
    });
  }

  it('holds for the deletion of the organization, last', { timeout: 120_000 }, async () => {
    const report = await fuzz(tokens.get('org_owner') ?? '', 10, [
      '--phases=coverage,fuzzing',
      `--include-operation-id=${DELETE_ORG}`,
    ]);
    expect(report.code, report.failures).toBe(0);
    expect(report.operations).toBe(1);
  });

  async function fuzz(token: string, examples: number, filter: string[]): Promise<Report> {
    const out = mkdtempSync(join(tmpdir(), 'guardian-fuzz-'));
    const args = [
      'run',
      `${api.url}/openapi.json`,
      `--url=${api.url}`,
      `--header=Authorization: Bearer ${token}`,
      `--checks=${CHECKS.join(',')}`,
      `--max-examples=${examples}`,
      '--seed=1',
      // One worker: Hypothesis's lambda descriptions are not thread-safe (AST recursion errors).
      '--workers=1',
      '--report=json',
      `--report-json-path=${join(out, 'report.json')}`,
      ...filter,
    ];
    const { code, output } = await run(command, args, out);
    const log = join(out, 'schemathesis.log');
    writeFileSync(log, output);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
      operations: { total: number; selected: number; tested: number };
      test_cases: { generated: number };
    };
    const { total, tested: operations } = report.operations;
    const cases = report.test_cases.generated;
    console.log(`schemathesis: ${operations} operations, ${cases} cases, exit ${code}; log ${log}`);
    const failures = output.slice(
      Math.max(0, output.indexOf('=== FAILURES ===')),
      output.indexOf('=== SUMMARY ==='),
    );
    return { code, total, operations, cases, failures: `${failures.slice(0, 6000)}\n(whole output: ${log})` };
  }
});

async function organizationNames(): Promise<string[]> {
  const list = (await objects.list('guardian.aiops.dev/v1alpha1', 'Organization')) as {
    items: { metadata: { name: string } }[];
  };
  return list.items.map((item) => item.metadata.name);
}

/** Runs schemathesis in `cwd` (where it keeps its cache), with our checks loaded. */
function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const hooks = join(import.meta.dirname, 'checks.py');
    const env = { ...process.env, NO_COLOR: '1', SCHEMATHESIS_HOOKS: hooks };
    const child = spawn(command, args, { cwd, env });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
