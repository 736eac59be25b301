import type { WorkflowRunStatusPinnedTemplate } from '@guardian/crds/generated';
import type { TemplateSource, Templates } from './org-templates.ts';
import { WorkflowTemplate } from './templates.ts';

/** What a run's status records of the template it was accepted with (status.pinnedTemplate). */
export type PinnedTemplate = WorkflowRunStatusPinnedTemplate;

/**
 * The template a run was accepted with, to record in its status: every later step follows this
 * copy, so an edit of the organization's WorkflowTemplate while the run waits at a gate does not
 * change what the approvers approved. A whole copy rather than a hash to compare: the run goes on
 * doing what was approved instead of failing because someone edited the template.
 */
export function pinTemplate(
  template: WorkflowTemplate,
  source: TemplateSource,
  generation: number | undefined,
): PinnedTemplate {
  return {
    name: template.name,
    source,
    ...(generation === undefined ? {} : { generation }),
    definition: JSON.parse(JSON.stringify(template)) as Record<string, unknown>,
  };
}

export type PinnedCheck =
  | { ok: true; templates: Pick<Templates, 'get' | 'list'> }
  | { ok: false; message: string };

/**
 * The pinned template as the only template the run may name, checked again by the schema (status
 * is the operator's, but a copy written by an older version may no longer be valid).
 */
export function pinnedTemplates(pinned: PinnedTemplate): PinnedCheck {
  const result = WorkflowTemplate.safeParse(pinned.definition);
  if (!result.success || result.data.name !== pinned.name) {
    return {
      ok: false,
      message: `The copy of template ${pinned.name} this run was accepted with is no longer valid`,
    };
  }
  const template = result.data;
  return {
    ok: true,
    templates: { get: (name) => (name === template.name ? template : undefined), list: () => [template] },
  };
}
