import type { WorkflowTemplate as TemplateResource } from '@guardian/crds/generated';
import { type TemplateCatalog, type TemplateInput, WorkflowTemplate } from './templates.ts';

export type { TemplateResource };

/** Where a template comes from: Guardian's code, or a WorkflowTemplate of the organization. */
export type TemplateSource = 'built_in' | 'organization';

/** The templates one organization's runs may name. */
export interface Templates {
  get(name: string): WorkflowTemplate | undefined;
  list(): WorkflowTemplate[];
  sourceOf(name: string): TemplateSource | undefined;
}

/** The name runs give a WorkflowTemplate: its metadata.name in snake_case (nightly-retrain → nightly_retrain). */
export const templateNameOf = (resourceName: string) => resourceName.replaceAll('-', '_');

/** A WorkflowTemplate as a template: its spec, named after it, with a name prefix by default. */
export function templateInputOf(resource: TemplateResource): TemplateInput {
  const name = resource.metadata?.name ?? '';
  const { namePrefix, ...spec } = resource.spec;
  return {
    ...spec,
    name: templateNameOf(name),
    namePrefix: namePrefix ?? (name.split('-')[0] ?? name).slice(0, 12),
  } as TemplateInput;
}

export type TemplateCheck = { ok: true; template: WorkflowTemplate } | { ok: false; message: string };

/** A WorkflowTemplate checked as the operator runs templates; what is wrong, field by field. */
export function checkTemplateResource(resource: TemplateResource): TemplateCheck {
  const result = WorkflowTemplate.safeParse(templateInputOf(resource));
  if (result.success) return { ok: true, template: result.data };
  const message = result.error.issues
    .map((issue) => `${['spec', ...issue.path].join('.')}: ${issue.message}`)
    .join('; ');
  return { ok: false, message: message.slice(0, 1024) };
}

// A resource is checked once per version of it: informers hand out a new object on every change.
const checked = new WeakMap<TemplateResource, TemplateCheck>();

function check(resource: TemplateResource): TemplateCheck {
  let result = checked.get(resource);
  if (!result) {
    result = checkTemplateResource(resource);
    checked.set(resource, result);
  }
  return result;
}

/**
 * The built-in templates and an organization's valid WorkflowTemplates (the CRD refuses built-in
 * names; should one slip through, the built-in template wins). A WorkflowTemplate being deleted is
 * no longer offered.
 */
export function organizationTemplates(
  builtIns: TemplateCatalog,
  resources: readonly TemplateResource[],
): Templates {
  const own = new Map<string, WorkflowTemplate>();
  for (const resource of resources) {
    if (resource.metadata?.deletionTimestamp) continue;
    const result = check(resource);
    if (result.ok && !builtIns.get(result.template.name)) own.set(result.template.name, result.template);
  }
  return {
    get: (name) => builtIns.get(name) ?? own.get(name),
    list: () => [...builtIns.list(), ...[...own.values()].sort((a, b) => a.name.localeCompare(b.name))],
    sourceOf: (name) => (builtIns.get(name) ? 'built_in' : own.has(name) ? 'organization' : undefined),
  };
}

/** The WorkflowTemplate a template name would be (nightly_retrain → nightly-retrain). */
export const resourceNameOf = (templateName: string) => templateName.replaceAll('_', '-');

/**
 * The organization's templates for a run of `wanted`: from the cache, and when the cache lacks a
 * WorkflowTemplate of that name (one created a moment ago), from the apiserver.
 */
export async function templatesFor(
  builtIns: TemplateCatalog,
  cached: readonly TemplateResource[],
  wanted: string,
  find: (resourceName: string) => Promise<TemplateResource | undefined>,
): Promise<Templates> {
  const known = builtIns.get(wanted) || cached.some((r) => templateNameOf(r.metadata?.name ?? '') === wanted);
  const fresh =
    known || !/^[a-z][a-z0-9_]{0,62}$/.test(wanted) ? undefined : await find(resourceNameOf(wanted));
  return organizationTemplates(builtIns, fresh ? [...cached, fresh] : cached);
}
