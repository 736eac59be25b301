import { describe, expect, it } from 'vitest';
import {
  CRD_FILES,
  crdName,
  GROUP,
  KINDS,
  loadAllManifests,
  loadManifests,
  type Manifest,
  readManifests,
  VERSION,
} from './index.ts';
import { manifestPath } from './install.ts';

interface Schema {
  type?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  enum?: unknown[];
  format?: string;
  maxItems?: number;
  maxLength?: number;
  maxProperties?: number;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
}

interface Column {
  name: string;
  type: string;
  jsonPath: string;
}

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  subresources?: { status?: object };
  additionalPrinterColumns?: Column[];
  schema: { openAPIV3Schema: Schema };
}

interface Crd extends Manifest {
  spec: {
    group: string;
    scope: string;
    names: { kind: string; plural: string; singular: string; shortNames?: string[]; categories?: string[] };
    versions: CrdVersion[];
  };
}

function crdOf(file: string): Crd {
  const manifests = readManifests(file);
  expect(manifests).toHaveLength(1);
  const [crd] = manifests;
  expect(crd?.kind).toBe('CustomResourceDefinition');
  return crd as Crd;
}

function versionOf(crd: Crd): CrdVersion {
  const [version] = crd.spec.versions;
  if (!version) throw new Error(`${crd.metadata.name} has no version`);
  return version;
}

/** Every schema node below the root, with its path (`spec.owners[].name`, `spec.resourceQuota.hard.*`). */
function* walk(schema: Schema, path: string): Generator<[string, Schema]> {
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const childPath = path ? `${path}.${key}` : key;
    yield [childPath, child];
    yield* walk(child, childPath);
  }
  if (schema.items) {
    yield [`${path}[]`, schema.items];
    yield* walk(schema.items, `${path}[]`);
  }
  if (typeof schema.additionalProperties === 'object') {
    yield [`${path}.*`, schema.additionalProperties];
    yield* walk(schema.additionalProperties, `${path}.*`);
  }
}

// The apiserver itself validates these; the schema only documents them. metadata may not even carry
// a description (the apiserver refuses one; kubectl explain shows ObjectMeta's documentation).
const APISERVER_VALIDATED = new Set(['apiVersion', 'kind', 'metadata']);

const EXPECTED = {
  'quotapolicies.yaml': {
    resource: KINDS.quotaPolicy,
    scope: 'Cluster',
    columns: [
      ['Organizations', '.status.organizations'],
      ['Executions/month', '.spec.agentExecutionsPerMonth'],
      ['API calls/hour', '.spec.apiCallsPerHour'],
      ['Price/month', '.spec.price.monthly'],
    ],
  },
  'organizations.yaml': {
    resource: KINDS.organization,
    scope: 'Cluster',
    columns: [
      ['Plan', '.spec.plan'],
      ['Namespace', '.status.namespace'],
      ['Database', '.status.database.server'],
      ['Last Backup', '.status.backup.lastSuccess.completedAt'],
      ['Ready', '.status.conditions[?(@.type=="Ready")].status'],
      ['Deletion', '.status.deletionScheduledAt'],
      ['Age', '.metadata.creationTimestamp'],
    ],
  },
  'teams.yaml': {
    resource: KINDS.team,
    scope: 'Namespaced',
    columns: [
      ['Members', '.status.members'],
      ['Ready', '.status.conditions[?(@.type=="Ready")].status'],
      ['Age', '.metadata.creationTimestamp'],
    ],
  },
  'workflowruns.yaml': {
    resource: KINDS.workflowRun,
    scope: 'Namespaced',
    columns: [
      ['Template', '.spec.template'],
      ['Environment', '.spec.environment'],
      ['Phase', '.status.phase'],
      ['Step', '.status.currentStep'],
      ['Requester', '.spec.requestedBy'],
      ['Age', '.metadata.creationTimestamp'],
    ],
  },
  'workflowtemplates.yaml': {
    resource: KINDS.workflowTemplate,
    scope: 'Namespaced',
    columns: [
      ['Template', '.status.template'],
      ['Steps', '.status.steps'],
      ['Ready', '.status.conditions[?(@.type=="Ready")].status'],
      ['Age', '.metadata.creationTimestamp'],
    ],
  },
  'workflowapprovals.yaml': {
    resource: KINDS.workflowApproval,
    scope: 'Namespaced',
    columns: [
      ['Run', '.spec.workflowRun'],
      ['Step', '.spec.step'],
      ['Decision', '.spec.decision'],
      ['User', '.spec.user'],
      ['Accepted', '.status.accepted'],
      ['Reason', '.status.reason'],
      ['Age', '.metadata.creationTimestamp'],
    ],
  },
} as const;

describe('CustomResourceDefinitions', () => {
  it('has one file per kind, and nothing else', () => {
    expect([...CRD_FILES].sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(loadManifests('crds').map((crd) => crd.metadata.name)).toEqual(
      Object.values(KINDS).map((resource) => crdName(resource)),
    );
  });

  describe.each(Object.entries(EXPECTED))('%s', (file, expected) => {
    const crd = crdOf(file);
    const version = versionOf(crd);
    const root = version.schema.openAPIV3Schema;

    it('names the kind as the package exports it, in category guardian', () => {
      const { resource } = expected;
      expect(crd.metadata.name).toBe(crdName(resource));
      expect(crd.spec.group).toBe(GROUP);
      expect(crd.spec.scope).toBe(expected.scope);
      expect(crd.spec.names).toMatchObject({
        kind: resource.kind,
        plural: resource.plural,
        singular: resource.singular,
        shortNames: [resource.shortName],
        categories: ['guardian'],
      });
      expect(crd.spec.versions.map((v) => [v.name, v.served, v.storage])).toEqual([[VERSION, true, true]]);
    });

    it('has a status subresource and the printer columns', () => {
      expect(version.subresources?.status).toEqual({});
      const columns = (version.additionalPrinterColumns ?? []).map((c) => [c.name, c.jsonPath]);
      expect(columns).toEqual(expected.columns);
    });

    it('describes every field, so that kubectl explain teaches the API', () => {
      expect(root.description).toBeTruthy();
      const undocumented = [...walk(root, '')]
        // List items and map values are documented by their list or map.
        .filter(([path]) => path !== 'metadata' && !path.endsWith('[]') && !path.endsWith('.*'))
        .filter(([, schema]) => !schema.description?.trim())
        .map(([path]) => path);
      expect(undocumented).toEqual([]);
    });

    it('bounds every list, map and string, so that CEL rules stay within the cost budget', () => {
      const unbounded: string[] = [];
      for (const [path, schema] of walk(root, '')) {
        if (APISERVER_VALIDATED.has(path)) continue;
        if (schema.type === 'array' && schema.maxItems === undefined)
          unbounded.push(`${path}: list without maxItems`);
        if (typeof schema.additionalProperties === 'object' && schema.maxProperties === undefined) {
          unbounded.push(`${path}: map without maxProperties`);
        }
        const isString = schema.type === 'string' || schema['x-kubernetes-int-or-string'] === true;
        if (isString && schema.maxLength === undefined && !schema.enum && !schema.format) {
          unbounded.push(`${path}: string without maxLength, enum or format`);
        }
      }
      expect(unbounded).toEqual([]);
    });

    it('requires spec and reports observedGeneration and conditions in status', () => {
      expect(root.required).toContain('spec');
      const status = root.properties?.status?.properties ?? {};
      expect(status.observedGeneration).toMatchObject({ type: 'integer', format: 'int64', minimum: 0 });
      expect(status.conditions).toMatchObject({
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
      });
    });

    it('gives every list of objects a list type, so that server-side apply merges it by key', () => {
      const untyped = [...walk(root, '')]
        .filter(([, schema]) => schema.type === 'array' && !schema['x-kubernetes-list-type'])
        .map(([path]) => path);
      expect(untyped).toEqual([]);
    });
  });

  it('shapes conditions exactly like metav1.Condition, the same in every CRD', () => {
    const schemas = CRD_FILES.map((file) => versionOf(crdOf(file)).schema.openAPIV3Schema);
    const conditions = schemas.map((root) => root.properties?.status?.properties?.conditions?.items);
    const [first, ...rest] = conditions;
    for (const other of rest) expect(other).toEqual(first);
    expect(first?.required?.slice().sort()).toEqual([
      'lastTransitionTime',
      'message',
      'reason',
      'status',
      'type',
    ]);
    const properties = first?.properties ?? {};
    expect(properties.status?.enum).toEqual(['True', 'False', 'Unknown']);
    expect(properties.type).toMatchObject({ maxLength: 316 });
    expect(properties.reason).toMatchObject({ minLength: 1, maxLength: 1024 });
    expect(properties.message).toMatchObject({ maxLength: 32768 });
    expect(properties.lastTransitionTime).toMatchObject({ type: 'string', format: 'date-time' });
    expect(properties.observedGeneration).toMatchObject({ type: 'integer', minimum: 0 });
  });

  it('keys owners and team members by kind and name, and environments and domains as sets', () => {
    const org =
      versionOf(crdOf('organizations.yaml')).schema.openAPIV3Schema.properties?.spec?.properties ?? {};
    expect(org.owners?.['x-kubernetes-list-map-keys']).toEqual(['kind', 'name']);
    expect(org.environments?.['x-kubernetes-list-type']).toBe('set');
    expect(org.domains?.['x-kubernetes-list-type']).toBe('set');
    const team = versionOf(crdOf('teams.yaml')).schema.openAPIV3Schema.properties?.spec?.properties ?? {};
    expect(team.members?.['x-kubernetes-list-map-keys']).toEqual(['kind', 'name']);
    expect(team.agentCategories?.['x-kubernetes-list-type']).toBe('set');
  });
});

describe('plan-in-use admission policy', () => {
  it('is evaluated once per Organization, and lets a deletion through when there is none', () => {
    const [policy, binding] = loadManifests('policies').filter(
      (manifest) => manifest.metadata.name === 'guardian-plan-in-use',
    ) as [Manifest & { spec: Record<string, unknown> }, Manifest];
    expect(policy.kind).toBe('ValidatingAdmissionPolicy');
    expect(policy.spec).toMatchObject({
      failurePolicy: 'Fail',
      paramKind: { apiVersion: `${GROUP}/${VERSION}`, kind: KINDS.organization.kind },
      matchConstraints: {
        resourceRules: [
          { apiGroups: [GROUP], operations: ['DELETE'], resources: [KINDS.quotaPolicy.plural] },
        ],
      },
    });
    expect(binding).toMatchObject({
      kind: 'ValidatingAdmissionPolicyBinding',
      spec: {
        policyName: policy.metadata.name,
        validationActions: ['Deny'],
        paramRef: { selector: {}, parameterNotFoundAction: 'Allow' },
      },
    });
  });
});

describe('workflow-approver admission policy', () => {
  it('checks every creation of a WorkflowApproval, and lets only a creator with `delegate` name another', () => {
    const [policy, binding] = loadManifests('policies').filter(
      (manifest) => manifest.metadata.name === 'guardian-workflow-approver',
    ) as [Manifest & { spec: { validations: Array<{ expression: string }> } }, Manifest];
    expect(policy.spec).toMatchObject({
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [
          { apiGroups: [GROUP], operations: ['CREATE'], resources: [KINDS.workflowApproval.plural] },
        ],
      },
    });
    const [rule] = policy.spec.validations;
    expect(rule?.expression).toContain('object.spec.user == request.userInfo.username');
    expect(rule?.expression).toContain(".check('delegate')");
    expect(binding).toMatchObject({
      spec: { policyName: policy.metadata.name, validationActions: ['Deny'] },
    });
  });
});

describe('workflow-requester admission policy', () => {
  it('checks every creation of a WorkflowRun, and lets only a creator with `delegate` name another', () => {
    const [policy, binding] = loadManifests('policies').filter(
      (manifest) => manifest.metadata.name === 'guardian-workflow-requester',
    ) as [Manifest & { spec: { validations: Array<{ expression: string }> } }, Manifest];
    expect(policy.spec).toMatchObject({
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [
          { apiGroups: [GROUP], operations: ['CREATE'], resources: [KINDS.workflowRun.plural] },
        ],
      },
    });
    const [rule] = policy.spec.validations;
    expect(rule?.expression).toContain('object.spec.requestedBy == request.userInfo.username');
    expect(rule?.expression).toContain(".check('delegate')");
    expect(binding).toMatchObject({
      spec: { policyName: policy.metadata.name, validationActions: ['Deny'] },
    });
  });
});

describe('installManifests', () => {
  it('knows where to apply every manifest of the package', () => {
    const paths = loadAllManifests().map(manifestPath);
    expect(paths).toContain(
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/organizations.guardian.aiops.dev',
    );
    expect(paths).toContain('/apis/guardian.aiops.dev/v1alpha1/quotapolicies/starter');
    expect(new Set(paths).size).toBe(paths.length);
  });
});
