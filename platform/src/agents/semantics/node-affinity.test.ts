import type { V1NodeSelectorRequirement, V1PodSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { constrainsNodes, nodeFits } from './node-affinity.ts';

const node = { metadata: { name: 'n1', labels: { pool: 'gpu', zone: 'a', cores: '16' } } };
const requiring = (
  ...terms: { matchExpressions?: V1NodeSelectorRequirement[]; matchFields?: V1NodeSelectorRequirement[] }[]
): V1PodSpec => ({
  containers: [],
  affinity: {
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
  },
});
const expression = (key: string, operator: string, values?: string[]) => ({
  matchExpressions: [{ key, operator, values }],
});

describe('nodeFits', () => {
  it('needs every nodeSelector pair', () => {
    expect(nodeFits({ containers: [], nodeSelector: { pool: 'gpu' } }, node)).toBe(true);
    expect(nodeFits({ containers: [], nodeSelector: { pool: 'gpu', zone: 'b' } }, node)).toBe(false);
    expect(nodeFits({ containers: [] }, node)).toBe(true);
  });

  it.each([
    ['pool In [gpu, cpu]', expression('pool', 'In', ['gpu', 'cpu']), true],
    ['pool In [cpu]', expression('pool', 'In', ['cpu']), false],
    ['pool NotIn [cpu]', expression('pool', 'NotIn', ['cpu']), true],
    ['arch NotIn [arm]', expression('arch', 'NotIn', ['arm']), true],
    ['zone Exists', expression('zone', 'Exists'), true],
    ['zone DoesNotExist', expression('zone', 'DoesNotExist'), false],
    ['cores Gt 8', expression('cores', 'Gt', ['8']), true],
    ['cores Lt 8', expression('cores', 'Lt', ['8']), false],
    ['pool Gt 8 (not a number)', expression('pool', 'Gt', ['8']), false],
    [
      'metadata.name In [n1]',
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] },
      true,
    ],
    [
      'metadata.name In [n2]',
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] },
      false,
    ],
    ['an empty term', {}, false],
  ])('%s → %s', (_, term, expected) => {
    expect(nodeFits(requiring(term), node)).toBe(expected);
  });

  it('ORs the terms, ANDs within one, and ANDs the nodeSelector with them', () => {
    expect(
      nodeFits(requiring(expression('pool', 'In', ['cpu']), expression('zone', 'In', ['a'])), node),
    ).toBe(true);
    expect(
      nodeFits(
        requiring({
          matchExpressions: [
            { key: 'pool', operator: 'In', values: ['gpu'] },
            { key: 'zone', operator: 'In', values: ['b'] },
          ],
        }),
        node,
      ),
    ).toBe(false);
    expect(
      nodeFits({ ...requiring(expression('zone', 'In', ['a'])), nodeSelector: { pool: 'cpu' } }, node),
    ).toBe(false);
  });
});

describe('constrainsNodes', () => {
  it('is a non-empty nodeSelector or a required node affinity', () => {
    expect(constrainsNodes({ containers: [] })).toBe(false);
    expect(constrainsNodes({ containers: [], nodeSelector: {} })).toBe(false);
    expect(constrainsNodes({ containers: [], nodeSelector: { pool: 'gpu' } })).toBe(true);
    expect(constrainsNodes(requiring(expression('pool', 'Exists')))).toBe(true);
  });
});
