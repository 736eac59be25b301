import { crdFile, KINDS, readManifests } from '@guardian/crds';
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../agents/types.ts';
import {
  checkTemplateResource,
  organizationTemplates,
  resourceNameOf,
  type TemplateResource,
  templateInputOf,
  templateNameOf,
  templatesFor,
} from './org-templates.ts';
import { AGENT_IDS, builtInTemplates } from './templates.ts';
import { STEP_TYPES_AVAILABLE } from './vocabulary.ts';

function resource(name: string, spec: Partial<TemplateResource['spec']> = {}): TemplateResource {
  return {
    apiVersion: 'guardian.aiops.dev/v1alpha1',
    kind: 'WorkflowTemplate',
    metadata: { name, namespace: 'org-acme' },
    spec: {
      description: 'Tells',
      steps: [{ name: 'tell', type: 'notify', description: 'Tells', message: 'hello {run}' }],
      ...spec,
    },
  };
}

describe("an organization's WorkflowTemplates", () => {
  it('are named in snake_case after the resource, with the first word as the name prefix', () => {
    expect(templateNameOf('nightly-retrain')).toBe('nightly_retrain');
    expect(resourceNameOf('nightly_retrain')).toBe('nightly-retrain');
    expect(templateInputOf(resource('nightly-retrain'))).toMatchObject({
      name: 'nightly_retrain',
      namePrefix: 'nightly',
    });
    expect(templateInputOf(resource('x', { namePrefix: 'own' }))).toMatchObject({ namePrefix: 'own' });
  });

  it('offers the built-in templates first, then the valid ones of the organization, by name', () => {
    const broken = resource('broken', { steps: [{ name: 'w', type: 'monitor', description: 'w' }] });
    const shadow = resource('deployment-health-check');
    const gone = {
      ...resource('gone'),
      metadata: { name: 'gone', deletionTimestamp: '2026-01-01T00:00:00Z' },
    };
    const templates = organizationTemplates(builtInTemplates, [
      resource('zeta'),
      resource('alpha'),
      broken,
      shadow,
      gone,
    ]);
    const builtIn = builtInTemplates.list().map((t) => t.name);
    expect(templates.list().map((t) => t.name)).toEqual([...builtIn, 'alpha', 'zeta']);
    expect(templates.sourceOf('alpha')).toBe('organization');
    expect(templates.sourceOf('deployment_health_check')).toBe('built_in');
    expect(templates.get('deployment_health_check')).toBe(builtInTemplates.get('deployment_health_check'));
    expect(templates.sourceOf('broken')).toBeUndefined();
    expect(checkTemplateResource(broken)).toEqual({
      ok: false,
      message: 'spec.parameters.window: a monitor needs a duration',
    });
  });

  it('are read from the apiserver when the cache lacks the one a run names, and only then', async () => {
    const asked: string[] = [];
    const find = async (name: string) => {
      asked.push(name);
      return name === 'fresh-one' ? resource(name) : undefined;
    };
    expect((await templatesFor(builtInTemplates, [], 'fresh_one', find)).get('fresh_one')).toBeDefined();
    expect(
      (await templatesFor(builtInTemplates, [resource('cached')], 'cached', find)).get('cached'),
    ).toBeDefined();
    await templatesFor(builtInTemplates, [], 'deployment_health_check', find);
    expect(await templatesFor(builtInTemplates, [], 'Not A Name', find)).toBeDefined();
    expect(asked).toEqual(['fresh-one']);
  });
});

describe('the WorkflowTemplate CRD', () => {
  const [crd] = readManifests(crdFile(KINDS.workflowTemplate)) as unknown as Array<{
    spec: { versions: Array<{ schema: { openAPIV3Schema: Schema } }> };
  }>;
  type Schema = {
    properties?: Record<string, Schema>;
    items?: Schema;
    enum?: string[];
    'x-kubernetes-validations'?: Array<{ rule: string }>;
  };
  const root = crd?.spec.versions[0]?.schema.openAPIV3Schema as Schema;
  const step = root.properties?.spec?.properties?.steps?.items?.properties ?? {};

  it('names exactly the step types, categories and agents the operator runs', () => {
    expect(step.type?.enum?.slice().sort()).toEqual([...STEP_TYPES_AVAILABLE].sort());
    expect(step.categories?.items?.enum).toEqual([...CATEGORIES]);
    expect(step.agents?.items?.enum).toEqual(AGENT_IDS);
  });

  it('refuses the names of the built-in templates', () => {
    const rules = (root['x-kubernetes-validations'] ?? []).map((v) => v.rule).join(' ');
    for (const template of builtInTemplates.list())
      expect(rules).toContain(`'${resourceNameOf(template.name)}'`);
  });
});
