import { describe, expect, it } from 'vitest';
import { offlineApi } from '../http/offline-api.ts';
import { TOOLS } from './tools.ts';

const operations = new Map(
  offlineApi().operations.map((operation) => [`${operation.method} ${operation.path}`, operation]),
);

describe('the MCP tools', () => {
  it('each stands for an API operation: its permission, its input and its answer’s schema', () => {
    expect(TOOLS.length).toBe(7);
    for (const tool of TOOLS) {
      const operation = operations.get(tool.route);
      expect(operation, tool.route).toBeDefined();
      expect(tool.permission, tool.name).toBe(operation?.permission);
      const success = operation?.responses[201] ?? operation?.responses[200];
      expect(tool.output, tool.name).toBe(success?.schema);
      const input = operation?.body ?? operation?.query;
      if (input) expect(tool.input, tool.name).toBe(input);
      else {
        // Only what the path names (GET /workflows/{workflow_id}): the tool's one required field.
        const parameters = [...(operation?.path.matchAll(/\{(\w+)\}/g) ?? [])].map((match) => match[1]);
        expect(Object.keys(tool.input.shape), tool.name).toEqual(parameters);
      }
    }
  });

  it('has unique snake_case names, and nothing that decides a gate', () => {
    const names = TOOLS.map((tool) => tool.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z]+(_[a-z]+)*$/);
    // A near miss: the API has operations needing workflows:approve, and no tool stands for one.
    expect([...operations.values()].some((operation) => operation.permission === 'workflows:approve')).toBe(
      true,
    );
    expect(TOOLS.filter((tool) => tool.permission === 'workflows:approve')).toEqual([]);
    expect(TOOLS.filter((tool) => !tool.readOnly).map((tool) => tool.name)).toEqual([
      'run_agents',
      'start_workflow',
    ]);
  });
});
