// Renders the chart's RBAC templates from the one source of each component's permissions:
// operator/rbac/operator-rbac.yaml, operator/rbac/tenant-roles.yaml and platform/rbac/platform-rbac.yaml.
// Only metadata and references are templated (names from the release, the release namespace, the
// chart's labels); rules are carried over as written, comments included. `make chart-sync` writes
// them (scripts/sync-chart-crds.ts); the chart test fails when they are stale.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Document, parseAllDocuments } from 'yaml';

const repo = resolve(import.meta.dirname, '..');
const templates = 'charts/guardian/templates';

/** How a source manifest becomes a template. */
export interface ManifestSource {
  /** The source file, relative to the repository. */
  source: string;
  /** The template it becomes, relative to the repository. */
  target: string;
  /** Objects that outlive the release (`helm.sh/resource-policy: keep`), with why. */
  keep?: string;
}

export const RBAC_SOURCES: ManifestSource[] = [
  { source: 'operator/rbac/operator-rbac.yaml', target: `${templates}/operator-rbac.yaml` },
  {
    source: 'operator/rbac/tenant-roles.yaml',
    target: `${templates}/tenant-roles.yaml`,
    keep:
      "Kept on uninstall: every organization's RoleBindings refer to these roles by name, and " +
      'organizations outlive the release by design.',
  },
  { source: 'platform/rbac/platform-rbac.yaml', target: `${templates}/platform-rbac.yaml` },
];

// The source manifests name objects after the default install (guardian-operator in
// guardian-system); in the chart they are named after the release.
const RELEASE_NAMES: Array<{ prefix: string; helper: string; values: string }> = [
  { prefix: 'guardian-operator', helper: 'guardian.operator.fullname', values: '.Values.operator' },
  { prefix: 'guardian-platform', helper: 'guardian.platform.fullname', values: '.Values.platform' },
];

function releaseName(name: string): string | undefined {
  for (const { prefix, helper } of RELEASE_NAMES) {
    if (name === prefix) return `{{ include "${helper}" . }}`;
    if (name.startsWith(`${prefix}-`)) {
      const suffix = name.slice(prefix.length + 1);
      return `{{ include "guardian.withSuffix" (list (include "${helper}" .) "${suffix}") }}`;
    }
  }
  return undefined;
}

interface Metadata {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

function metadataBlock(kind: string, metadata: Metadata, keep: boolean): string {
  const name = metadata.name ?? '';
  const component = metadata.labels?.['app.kubernetes.io/component'];
  const lines = ['metadata:', `  name: ${releaseName(name) ?? JSON.stringify(name)}`];
  if (metadata.namespace !== undefined) lines.push('  namespace: {{ .Release.Namespace }}');
  lines.push('  labels:', '    {{- include "guardian.labels" . | nindent 4 }}');
  if (component) lines.push(`    app.kubernetes.io/component: ${component}`);
  const annotations = { ...metadata.annotations, ...(keep ? { 'helm.sh/resource-policy': 'keep' } : {}) };
  const owner = RELEASE_NAMES.find((r) => r.prefix === name);
  if (kind === 'ServiceAccount' && owner) {
    // The chart's values may annotate the ServiceAccounts (e.g. for a cloud workload identity).
    const fixed = Object.entries(annotations).map(([key, value]) => `    ${key}: ${JSON.stringify(value)}`);
    const extra = [`{{- with ${owner.values}.serviceAccount.annotations }}`, '{{- toYaml . | nindent 4 }}'];
    if (fixed.length > 0)
      lines.push('  annotations:', ...fixed, ...extra.map((l) => `    ${l}`), '    {{- end }}');
    else lines.push(`  ${extra[0]}`, '  annotations:', `    ${extra[1]}`, '  {{- end }}');
  } else if (Object.keys(annotations).length > 0) {
    lines.push('  annotations:');
    for (const [key, value] of Object.entries(annotations))
      lines.push(`    ${key}: ${JSON.stringify(value)}`);
  }
  return lines.join('\n');
}

/**
 * One source document as template text: metadata replaced by the chart's, references to renamed
 * objects (roleRef, ServiceAccount subjects) templated, everything else as in the source.
 */
export function templateDocument(doc: Document, keep: boolean): string {
  const object = doc.toJS() as {
    kind?: string;
    metadata?: Metadata;
    roleRef?: { kind?: string; name?: string };
    subjects?: Array<{ kind?: string; name?: string; namespace?: string }>;
  };
  const expressions: string[] = [];
  const placeholder = (expression: string) => {
    expressions.push(expression);
    return `__TEMPLATE_${expressions.length - 1}__`;
  };
  doc.set('metadata', placeholder(metadataBlock(object.kind ?? '', object.metadata ?? {}, keep)));
  const roleRefName = object.roleRef?.name && releaseName(object.roleRef.name);
  if (roleRefName) doc.setIn(['roleRef', 'name'], placeholder(roleRefName));
  object.subjects?.forEach((subject, index) => {
    if (subject.kind !== 'ServiceAccount') return;
    const name = subject.name && releaseName(subject.name);
    if (name) doc.setIn(['subjects', index, 'name'], placeholder(name));
    if (subject.namespace !== undefined)
      doc.setIn(['subjects', index, 'namespace'], placeholder('{{ .Release.Namespace }}'));
  });
  let text = doc.toString({ lineWidth: 0, flowCollectionPadding: false }).replace(/^---\n/, '');
  text = text.replace(
    /^metadata: __TEMPLATE_(\d+)__$/m,
    (_, index: string) => expressions[Number(index)] ?? '',
  );
  return text.replace(/__TEMPLATE_(\d+)__/g, (_, index: string) => expressions[Number(index)] ?? '');
}

/** The template for one source manifest, with a do-not-edit header. */
export function renderManifest({ source, keep }: ManifestSource): string {
  const documents = parseAllDocuments(readFileSync(resolve(repo, source), 'utf8'));
  const header = [
    `# Code generated by scripts/sync-chart-crds.ts from ${source}. DO NOT EDIT.`,
    '# Edit the source, then run `make chart-sync`.',
    ...(keep ? [`# ${keep}`] : []),
  ].join('\n');
  const bodies = documents.map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors[0]?.message}`);
    return templateDocument(doc, keep !== undefined);
  });
  return `${header}\n${bodies.map((body) => `---\n${body}`).join('')}`;
}
