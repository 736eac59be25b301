import { ConfigError, parseConfig } from '@guardian/kube/env';
import { describe, expect, it } from 'vitest';
import { operatorConfig } from './config.ts';

const env = { TENANT_DB_SERVERS: 'pg1=postgres://provisioner:p@127.0.0.1:5432/postgres' };

describe('operatorConfig', () => {
  it('selects every organization by default, and takes a label selector', () => {
    expect(parseConfig(operatorConfig, env).OPERATOR_ORGANIZATION_SELECTOR).toBe('');
    const selector = 'guardian.aiops.dev/install in (eu, us),!guardian.aiops.dev/paused';
    expect(parseConfig(operatorConfig, { ...env, OPERATOR_ORGANIZATION_SELECTOR: selector })).toMatchObject({
      OPERATOR_ORGANIZATION_SELECTOR: selector,
    });
  });

  it('refuses a selector the apiserver would refuse, at start-up', () => {
    const parse = () =>
      parseConfig(operatorConfig, { ...env, OPERATOR_ORGANIZATION_SELECTOR: 'install=eu;' });
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/OPERATOR_ORGANIZATION_SELECTOR: "install=eu;" is not a label selector/);
  });
});
