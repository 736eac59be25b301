import { ConfigError, parseConfig } from '@guardian/kube/env';
import { describe, expect, it } from 'vitest';
import { operatorConfig } from './config.ts';

const env = {
  TENANT_DB_SERVERS: 'pg1=postgres://provisioner:p@127.0.0.1:5432/postgres',
  DATABASE_URL: 'postgres://guardian_app:p@127.0.0.1:5432/guardian',
  GUARDIAN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
};

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

  it('needs the platform database and its key, for workflow runs', () => {
    const { DATABASE_URL: _, ...withoutDatabase } = env;
    expect(() => parseConfig(operatorConfig, withoutDatabase)).toThrow(/DATABASE_URL/);
    expect(() => parseConfig(operatorConfig, { ...env, GUARDIAN_ENCRYPTION_KEY: 'short' })).toThrow(
      /GUARDIAN_ENCRYPTION_KEY/,
    );
    expect(parseConfig(operatorConfig, env).GUARDIAN_ENCRYPTION_KEY).toHaveLength(32);
  });

  it('times leader election as client-go does, and refuses timings that cannot hold a Lease', () => {
    expect(parseConfig(operatorConfig, env)).toMatchObject({
      LEADER_ELECT_LEASE_DURATION_SECONDS: 15,
      LEADER_ELECT_RENEW_DEADLINE_SECONDS: 10,
      LEADER_ELECT_RETRY_PERIOD_SECONDS: 2,
    });
    const short = {
      ...env,
      LEADER_ELECT_LEASE_DURATION_SECONDS: '2',
      LEADER_ELECT_RENEW_DEADLINE_SECONDS: '1.5',
      LEADER_ELECT_RETRY_PERIOD_SECONDS: '0.25',
    };
    expect(parseConfig(operatorConfig, short).LEADER_ELECT_RETRY_PERIOD_SECONDS).toBe(0.25);
    expect(() => parseConfig(operatorConfig, { ...short, LEADER_ELECT_RENEW_DEADLINE_SECONDS: '3' })).toThrow(
      /retry period < renew deadline < lease duration/,
    );
  });
});
