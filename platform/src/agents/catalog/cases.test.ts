import { describe, expect, it } from 'vitest';
import { API_VERSIONS } from '../kinds.ts';
import { snapshotOf } from '../testing/case.ts';
import { catalogCases } from './cases.ts';
import { catalog } from './index.ts';

// The integration test applies every row to one real namespace: these rules keep that possible.
const rows = Object.entries(catalogCases).flatMap(([agent, cases]) => cases.map((row) => ({ agent, row })));
const objects = rows.flatMap(({ agent, row }) => row.objects.map((object) => ({ agent, row, object })));

describe('case tables', () => {
  it('cover every agent of the catalog', () => {
    expect(Object.keys(catalogCases)).toEqual(catalog.map((agent) => agent.id));
  });

  it('name every object uniquely across all rows, as a DNS label short enough for any kind', () => {
    const names = objects.map(({ object }) => object.metadata.name);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?$/);
  });

  it('prefix each object with its agent, but the ServiceAccount default in a namespace-wide row', () => {
    for (const { agent, row, object } of objects) {
      // Applying it changes the one Kubernetes created, so only a namespace of its own may hold it.
      const ownDefault = object.kind === 'ServiceAccount' && object.metadata.name === 'default';
      expect(ownDefault ? row.namespaceWide : object.metadata.name.startsWith(`${agent}-`)).toBe(true);
    }
  });

  it('give each object the API version of its kind', () => {
    for (const { object } of objects) expect(object.apiVersion).toBe(API_VERSIONS[object.kind]);
  });

  it('give no two rows a Pod label in common, so no row selects another', () => {
    const rowOf = new Map(
      objects.map(({ agent, row, object }) => [object.metadata.name, `${agent}: ${row.name}`]),
    );
    const rowsOfLabel = new Map<string, Set<string | undefined>>();
    for (const { object, podLabels } of snapshotOf(objects.map(({ object }) => object)).workloads) {
      for (const [key, value] of Object.entries(podLabels)) {
        const label = `${key}=${value}`;
        rowsOfLabel.set(label, new Set([...(rowsOfLabel.get(label) ?? []), rowOf.get(object.metadata.name)]));
      }
    }
    expect(rowsOfLabel.size).toBeGreaterThan(0);
    expect([...rowsOfLabel].filter(([, owners]) => owners.size > 1)).toEqual([]);
  });

  it("give Nodes of different rows no label in common, so no row selects another row's Node", () => {
    const rowsOfLabel = new Map<string, Set<string>>();
    for (const { agent, row, object } of objects) {
      if (object.kind !== 'Node') continue;
      for (const [key, value] of Object.entries(object.metadata.labels ?? {})) {
        const label = `${key}=${value}`;
        rowsOfLabel.set(label, new Set([...(rowsOfLabel.get(label) ?? []), `${agent}: ${row.name}`]));
      }
    }
    expect(rowsOfLabel.size).toBeGreaterThan(0);
    expect([...rowsOfLabel].filter(([, rows]) => rows.size > 1)).toEqual([]);
  });

  it('name rows uniquely within an agent, and write status only in runtime rows or with a note', () => {
    for (const cases of Object.values(catalogCases)) {
      const names = cases.map((row) => row.name);
      expect(new Set(names).size).toBe(names.length);
    }
    for (const { row, object } of objects) {
      if ('status' in object && object.status !== undefined) {
        expect(row.runtime === true || row.note !== undefined, `${row.name} writes status`).toBe(true);
      }
    }
  });
});
