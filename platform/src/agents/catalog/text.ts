import type { AnyContainer } from '../semantics/containers.ts';
import { podSpecPath, type Workload } from '../workloads.ts';

const indent = (depth: number, lines: readonly string[]) =>
  lines.map((line) => `${'  '.repeat(depth)}${line}`);

/** `body` nested under the dotted `path`: the fragment a remediation shows. */
export function fragment(path: string, body: readonly string[]): string {
  const keys = path.split('.');
  return [...keys.map((key, depth) => `${'  '.repeat(depth)}${key}:`), ...indent(keys.length, body)].join(
    '\n',
  );
}

/** `body` under the workload's pod spec (`spec.template.spec`, a CronJob's, a bare Pod's `spec`). */
export function podSpecFragment(workload: Workload, body: readonly string[]): string {
  return fragment(podSpecPath(workload.object.kind), body);
}

/**
 * `body` under each of `containers` in the pod spec, by the list it is in. Ephemeral containers
 * cannot be changed: the text names the Pods to delete instead.
 */
export function containersFragment(
  workload: Workload,
  containers: readonly AnyContainer[],
  body: readonly string[],
): string {
  const lists = (['initContainers', 'containers'] as const).flatMap((field) => {
    const listed = (workload.podSpec[field] ?? []).filter((container) => containers.includes(container));
    if (listed.length === 0) return [];
    return [
      `${field}:`,
      ...listed.flatMap((container) => [`  - name: ${container.name}`, ...indent(2, body)]),
    ];
  });
  const ephemeral = workload.pods.filter((pod) =>
    (pod.spec?.ephemeralContainers ?? []).some((container) => containers.includes(container)),
  );
  const yaml = lists.length === 0 ? [] : [podSpecFragment(workload, lists)];
  const note =
    ephemeral.length === 0
      ? []
      : [`Ephemeral containers cannot be changed: delete the Pods that have them (${names(ephemeral)}).`];
  return [...yaml, ...note].join('\n');
}

/** Distinct names, in order, for messages: `app, proxy`. */
export function names(objects: readonly ({ name: string } | { metadata: { name: string } })[]): string {
  return nameList(objects).join(', ');
}

export function nameList(objects: readonly ({ name: string } | { metadata: { name: string } })[]): string[] {
  return [...new Set(objects.map((object) => ('metadata' in object ? object.metadata.name : object.name)))];
}

/** `kubectl -n shop describe deployment web`: where a runtime finding's details are. */
export function describeCommand(
  object: { kind: string; metadata: { name: string } },
  namespace: string,
): string {
  return `kubectl -n ${namespace} describe ${object.kind.toLowerCase()} ${object.metadata.name}`;
}

/** `app=web,tier=frontend`: a map selector as kubectl's `-l` reads it. */
export function labelsText(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}
