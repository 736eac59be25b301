import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate.ts';
import { CASE_CLOCK, snapshotOf } from '../testing/case.ts';
import { container, deployment, podSpec } from '../testing/manifests.ts';
import { describeCases } from '../testing/run-cases.ts';
import { catalog } from './index.ts';
import { PLANTED, secretsExposureCases } from './secrets-exposure.cases.ts';
import { secretsExposure } from './secrets-exposure.ts';

describeCases(secretsExposure, secretsExposureCases);

describe('secrets-exposure', () => {
  const planted = [...Object.values(PLANTED), 'hunter2'];
  const objects = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings' },
      data: {
        'tls.key': PLANTED.privateKey,
        aws: PLANTED.awsKeyId,
        'git.conf': `token ${PLANTED.githubToken}`,
      },
    } as const,
    deployment(
      'api',
      podSpec({
        containers: [
          container('app', {
            env: [
              { name: 'KEY', value: PLANTED.privateKey },
              { name: 'AWS', value: PLANTED.awsKeyId },
              { name: 'GH', value: PLANTED.githubToken },
              { name: 'DB_PASSWORD', value: 'hunter2' },
            ],
          }),
        ],
      }),
    ),
  ];
  const { findings, failed } = evaluate(catalog, snapshotOf(objects), { now: CASE_CLOCK.now });

  it('says where each secret-looking value is and what it looks like', () => {
    expect(failed).toEqual([]);
    const evidence = (check: string) =>
      findings.find((f) => f.check === `secrets-exposure/${check}`)?.evidence;
    expect(evidence('secret-in-configmap')).toEqual({
      keys: [
        { key: 'tls.key', reason: 'a private key' },
        { key: 'aws', reason: 'an AWS access key id' },
        { key: 'git.conf', reason: 'a GitHub token' },
      ],
    });
    expect(evidence('secret-literal-in-env')).toEqual({
      env: [
        { container: 'app', name: 'KEY', reason: 'a private key' },
        { container: 'app', name: 'AWS', reason: 'an AWS access key id' },
        { container: 'app', name: 'GH', reason: 'a GitHub token' },
        { container: 'app', name: 'DB_PASSWORD', reason: 'a sensitive name' },
      ],
    });
  });

  it('never puts a planted value into any finding of any agent', () => {
    const shown = JSON.stringify(
      findings.map(({ message, remediation, evidence }) => ({ message, remediation, evidence })),
    );
    expect(shown).toContain('tls.key');
    for (const value of planted) {
      expect(shown).not.toContain(value);
      // Nor a recognizable piece of it (the key body, the id's suffix, the token's tail).
      for (const line of value.split('\n')) expect(shown).not.toContain(line.slice(-12));
    }
  });
});
