import { describe, expect, it } from 'vitest';
import { checkParameters, parseWorkload } from './parameters.ts';
import { builtInTemplates } from './templates.ts';

const health = builtInTemplates.get('deployment_health_check');
if (!health) throw new Error('deployment_health_check is built in');

describe('checkParameters', () => {
  it('fills defaults and keeps what is given', () => {
    expect(checkParameters(health, undefined)).toEqual({ ok: true, values: { window: '30s' } });
    expect(checkParameters(health, { window: '1s', workload: 'deployment/web' })).toEqual({
      ok: true,
      values: { window: '1s', workload: 'deployment/web' },
    });
  });

  it('names every parameter outside the schema at once, beside a valid one', () => {
    const check = checkParameters(health, { window: '2h', workload: 'pod/web', colour: 'blue' });
    expect(check).toEqual({
      ok: false,
      errors: [
        { parameter: 'window', message: 'must be between 1s and 1h' },
        { parameter: 'workload', message: expect.stringMatching(/<kind>\/<name>/) },
        { parameter: 'colour', message: 'is not a parameter of this template (window, workload)' },
      ],
    });
    expect(checkParameters(health, { window: 'soon' })).toMatchObject({
      ok: false,
      errors: [{ parameter: 'window', message: expect.stringMatching(/duration/) }],
    });
  });

  it('requires required parameters and checks string patterns', () => {
    const template = {
      parameters: {
        model: { kind: 'string' as const, description: 'm', required: true, pattern: '[a-z]+', maxLength: 8 },
      },
    };
    expect(checkParameters(template, {})).toEqual({
      ok: false,
      errors: [{ parameter: 'model', message: 'is required' }],
    });
    expect(checkParameters(template, { model: 'Bert' })).toMatchObject({ ok: false });
    expect(checkParameters(template, { model: 'berttoolong' })).toMatchObject({ ok: false });
    expect(checkParameters(template, { model: 'bert' })).toEqual({ ok: true, values: { model: 'bert' } });
  });
});

describe('parseWorkload', () => {
  it('reads <kind>/<name> of the three workload kinds', () => {
    expect(parseWorkload('deployment/web')).toEqual({ kind: 'Deployment', name: 'web' });
    expect(parseWorkload('statefulset/db-0')).toEqual({ kind: 'StatefulSet', name: 'db-0' });
    expect(parseWorkload('daemonset/agent')).toEqual({ kind: 'DaemonSet', name: 'agent' });
    for (const wrong of ['job/x', 'deployment/', 'deployment/Web', 'web', 'deployment/web/x'])
      expect(parseWorkload(wrong)).toBeUndefined();
  });
});
