import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadClusterAccess } from './kubeconfig.ts';

const dir = mkdtempSync(join(tmpdir(), 'guardian-kubeconfig-'));
const kubeconfig = (server: string) => `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: '${server}'}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`;
const valid = join(dir, 'valid');
writeFileSync(valid, kubeconfig('https://from-file.example:6443'));
const missing = join(dir, 'missing');
// In a Pod, so a silent fallback would go to the in-cluster credentials.
const inCluster = { KUBERNETES_SERVICE_HOST: '10.96.0.1', HOME: join(dir, 'home') };

afterAll(() => chmodSync(join(dir, 'unreadable'), 0o600));

describe('loadClusterAccess', () => {
  it('reads the file KUBECONFIG names (the positive control)', () => {
    expect(loadClusterAccess({ ...inCluster, KUBECONFIG: valid }).server).toBe(
      'https://from-file.example:6443',
    );
  });

  it('fails, naming the file, when KUBECONFIG names a file that does not exist', () => {
    expect(() => loadClusterAccess({ ...inCluster, KUBECONFIG: missing })).toThrow(missing);
  });

  it('fails, naming the file, when KUBECONFIG names a file it cannot read', () => {
    const unreadable = join(dir, 'unreadable');
    writeFileSync(unreadable, kubeconfig('https://secret.example'));
    chmodSync(unreadable, 0o000);
    const directory = join(dir, 'a-directory');
    mkdirSync(directory);
    // root reads any file whatever its mode; a directory is unreadable as a file for everyone.
    if (process.getuid?.() !== 0)
      expect(() => loadClusterAccess({ ...inCluster, KUBECONFIG: unreadable })).toThrow(unreadable);
    expect(() => loadClusterAccess({ ...inCluster, KUBECONFIG: directory })).toThrow(directory);
  });

  it('skips missing files of a KUBECONFIG list as kubectl does, and fails when none exists', () => {
    expect(loadClusterAccess({ ...inCluster, KUBECONFIG: `${missing}:${valid}` }).server).toBe(
      'https://from-file.example:6443',
    );
    expect(() => loadClusterAccess({ ...inCluster, KUBECONFIG: `${missing}:${missing}-2` })).toThrow(
      `${missing}, ${missing}-2`,
    );
  });

  it('uses the in-cluster ServiceAccount only without KUBECONFIG and without ~/.kube/config', () => {
    expect(() => loadClusterAccess({ HOME: join(dir, 'home') })).toThrow(/not running in a cluster/);
    // In a Pod it goes for the mounted token; outside one that file is missing, and the error says so.
    expect(() => loadClusterAccess(inCluster)).toThrow(/serviceaccount/);
  });
});
