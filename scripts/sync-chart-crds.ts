// `make chart-sync`: brings the Helm chart's copies of Guardian's one-source manifests up to date.
//   crds/*.yaml                  -> charts/guardian/crds/ (copies: Helm installs them, never templates them)
//   crds/policies/*.yaml         -> charts/guardian/templates/admission-policy-*.yaml
//   operator/rbac, platform/rbac -> charts/guardian/templates/*-rbac.yaml, tenant-roles.yaml
//   the QuotaPolicy CRD's spec   -> the `plan` definition of charts/guardian/values.schema.json
//   the Organization CRD's spec.agents.prices -> its `agentPrices` definition (the chart's agents.prices)
// `--check` changes nothing and fails naming the stale files; the chart test runs the same check.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { type ManifestSource, RBAC_SOURCES, renderManifest } from './render-operator-rbac.ts';

const repo = resolve(import.meta.dirname, '..');
const chart = 'charts/guardian';
const read = (path: string) => readFileSync(resolve(repo, path), 'utf8');

// Each policy outlives the release, as what it protects does; `keep` says why, per file.
const KEPT_POLICIES: Record<string, string> = {
  'plan-in-use.yaml': 'Kept on uninstall: it protects the plans, which are kept too.',
  'workflow-requester.yaml':
    'Kept on uninstall: WorkflowRuns outlive the release (the CRDs are kept), and so does the rule ' +
    'that ties each to whoever created it.',
};

const POLICIES: ManifestSource[] = readdirSync(resolve(repo, 'crds/policies'))
  .filter((file) => file.endsWith('.yaml'))
  .sort()
  .map((file) => {
    const keep = KEPT_POLICIES[file];
    if (!keep) throw new Error(`crds/policies/${file}: say in KEPT_POLICIES why the chart keeps it`);
    return { source: `crds/policies/${file}`, target: `${chart}/templates/admission-policy-${file}`, keep };
  });

function crdSources(): string[] {
  return readdirSync(resolve(repo, 'crds'))
    .filter((file) => file.endsWith('.yaml'))
    .sort();
}

function crdCopy(file: string): string {
  return (
    `# Copied from crds/${file} by scripts/sync-chart-crds.ts. DO NOT EDIT: edit the original, then run \`make chart-sync\`.\n` +
    read(`crds/${file}`)
  );
}

type Schema = { [key: string]: unknown };

/** A CRD's schema of its only version, from the YAML file in crds/. */
function crdSchema(file: string): Schema {
  const crd = parse(read(`crds/${file}`)) as {
    spec: { versions: Array<{ name: string; schema: { openAPIV3Schema: Schema } }> };
  };
  const version = crd.spec.versions[0];
  if (!version) throw new Error(`crds/${file} has no version`);
  return version.schema.openAPIV3Schema;
}

/**
 * A CRD schema as a values schema: Kubernetes' extensions (CEL rules included) and defaults
 * dropped, every object closed (additionalProperties false).
 */
function asValuesSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(asValuesSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-kubernetes-') || key === 'format' || key === 'default') continue;
    out[key] = key === 'properties' ? mapValues(value as Schema, asValuesSchema) : asValuesSchema(value);
  }
  if (out.properties !== undefined && out.additionalProperties === undefined)
    out.additionalProperties = false;
  return out;
}

const propertyOf = (schema: Schema, key: string): Schema => {
  const property = (schema.properties as Record<string, Schema> | undefined)?.[key];
  if (!property) throw new Error(`the schema has no property ${key}`);
  return property;
};

/**
 * A JSON Schema for the values of one plan, from the QuotaPolicy CRD's `spec` schema, plus
 * `enabled`. So the chart refuses, at install, a plan the apiserver would refuse or prune.
 */
export function planValuesSchema(): Schema {
  const spec = asValuesSchema(propertyOf(crdSchema('quotapolicies.yaml'), 'spec')) as Schema;
  return {
    ...spec,
    description: `${String(spec.description)} Generated from the QuotaPolicy CRD by scripts/sync-chart-crds.ts.`,
    properties: {
      enabled: { type: 'boolean', description: 'Install this plan (default true).' },
      ...(spec.properties as Schema),
    },
  };
}

/**
 * The chart's `agents.prices`, from the Organization CRD's `spec.agents.prices`: the installation's
 * prices and thresholds obey the rules an organization's do. The CRD's CEL rules, in JSON Schema:
 * a currency code, and a currency that restates every price and threshold.
 */
export function agentPricesValuesSchema(): Schema {
  const agents = propertyOf(propertyOf(crdSchema('organizations.yaml'), 'spec'), 'agents');
  const prices = asValuesSchema(propertyOf(agents, 'prices')) as Schema;
  const properties = prices.properties as Record<string, Schema>;
  return {
    ...prices,
    description:
      "The installation's monthly prices (730 hours) and report thresholds of the cost agents, overriding AGENTS.md's defaults field by field; an Organization's spec.agents.prices overrides them in turn. Setting currency requires every price and threshold beside it. Generated from the Organization CRD by scripts/sync-chart-crds.ts.",
    properties: { ...properties, currency: { ...properties.currency, pattern: '^[A-Z]{3}$' } },
    dependencies: {
      currency: {
        required: ['cpuCore', 'memoryGiB', 'storageGiB', 'loadBalancer', 'thresholds'],
        properties: { thresholds: { required: ['workloadMonthly', 'hpaCeilingMonthly'] } },
      },
    },
  };
}

function mapValues(object: Schema, fn: (value: unknown) => unknown): Schema {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, fn(value)]));
}

function valuesSchema(): string {
  const schema = JSON.parse(read(`${chart}/values.schema.json`)) as { definitions?: Schema };
  schema.definitions = {
    ...schema.definitions,
    plan: planValuesSchema(),
    agentPrices: agentPricesValuesSchema(),
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** Every file the chart derives from a source elsewhere in the repository, path -> content. */
export function chartFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const file of crdSources()) files.set(`${chart}/crds/${file}`, crdCopy(file));
  for (const source of [...POLICIES, ...RBAC_SOURCES]) files.set(source.target, renderManifest(source));
  files.set(`${chart}/values.schema.json`, valuesSchema());
  return files;
}

/** Files of the chart's crds/ that no longer have an original. */
function strayCrds(): string[] {
  const wanted = new Set(crdSources());
  return readdirSync(resolve(repo, chart, 'crds'))
    .filter((file) => !wanted.has(file))
    .map((file) => `${chart}/crds/${file}`);
}

const current = (path: string) => (existsSync(resolve(repo, path)) ? read(path) : undefined);

/**
 * The chart files that differ from what the sources say, or should not exist. `readChart` reads a
 * chart file as it is (undefined when missing); the test passes an edited one to see it noticed.
 */
export function staleChartFiles(readChart: (path: string) => string | undefined = current): string[] {
  const stale = [...chartFiles()]
    .filter(([path, content]) => readChart(path) !== content)
    .map(([path]) => path);
  return [...stale, ...strayCrds()];
}

if (import.meta.main) {
  if (process.argv.includes('--check')) {
    const stale = staleChartFiles();
    if (stale.length > 0) {
      console.error(`Stale chart files (run \`make chart-sync\`):\n  ${stale.join('\n  ')}`);
      process.exit(1);
    }
    console.log('The chart is in sync with crds/, operator/rbac/ and platform/rbac/');
  } else {
    for (const [path, content] of chartFiles()) writeFileSync(resolve(repo, path), content);
    for (const path of strayCrds()) rmSync(resolve(repo, path));
    console.log(`Wrote ${chartFiles().size} chart files`);
  }
}
