import { describe, expect, it } from 'vitest';
import { anOrganization, managedBy, ownerReferenceOf } from '../../../test/support/builders.ts';
import { desiredDatabaseSecret } from './organization.database.ts';

describe('desiredDatabaseSecret', () => {
  const acme = anOrganization('acme');
  const credentials = { server: 'pg2', database: 'tenant_acme', role: 'tenant_acme', password: 's3cret' };
  const url = 'postgres://tenant_acme:s3cret@db2.example.com:5433/tenant_acme';
  const secret = desiredDatabaseSecret(acme, credentials, { host: 'db2.example.com', port: 5433 }, url);
  const decoded = Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString()]),
  );

  it("is guardian-database in the control namespace, the organization's", () => {
    expect(secret).toMatchObject({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: {
        name: 'guardian-database',
        namespace: 'org-acme',
        labels: managedBy('acme'),
        ownerReferences: [ownerReferenceOf(acme)],
      },
    });
  });

  it('holds what a client needs to connect, base64-encoded as Secret data is', () => {
    expect(decoded).toEqual({
      host: 'db2.example.com',
      port: '5433',
      database: 'tenant_acme',
      user: 'tenant_acme',
      password: 's3cret',
      url,
    });
    expect(secret.data?.password).toBe(Buffer.from('s3cret').toString('base64'));
  });
});
