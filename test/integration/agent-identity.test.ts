// The agent's identity, checked by the apiserver itself with real credentials: the platform's and
// the operator's ServiceAccount tokens impersonating an organization's agent (the RoleBinding to
// guardian:tenant-impersonator the operator makes in org-<org>), and a person's OIDC ID token.
import { beforeAll, describe, expect, it } from 'vitest';
import { kubectl, uniqueName } from '../support/kube.ts';
import { idToken, tokenFlags } from '../support/oidc.ts';
import { operatorKubeconfig } from '../support/operator.ts';
import { operatorSuite } from '../support/operator-suite.ts';
import { platformKubeconfig } from '../support/platform.ts';
import { coreApi, organization } from '../support/tenancy.ts';

const agentOf = (org: string) => `system:serviceaccount:org-${org}:guardian-agent`;

/** Runs kubectl with `credentials` (kubectl flags); resolves with stdout, rejects with the apiserver's answer. */
const kubectlAs = (credentials: string[], ...args: string[]) => kubectl(...credentials, ...args);

describe('the agent identity', () => {
  // techcorp and startupco of the demo, under names of their own.
  const techcorp = uniqueName('it-techcorp');
  const startupco = uniqueName('it-startupco');
  const suite = operatorSuite({
    suite: 'agent-identity',
    organizations: [
      organization(techcorp, { owners: [{ kind: 'User', name: 'alice@techcorp.com' }] }),
      organization(startupco, { owners: [{ kind: 'User', name: 'carol@startupco.io' }] }),
    ],
  });
  let platform: string[];
  let operator: string[];
  let carol: string[];

  beforeAll(async () => {
    // The platform as the operator knows it (PLATFORM_NAMESPACE, PLATFORM_SERVICE_ACCOUNT defaults).
    platform = [`--kubeconfig=${await platformKubeconfig('guardian-system')}`];
    operator = [`--kubeconfig=${await operatorKubeconfig(suite.namespace)}`];
    carol = await tokenFlags(await idToken('carol@startupco.io'));
    for (const org of [techcorp, startupco])
      await coreApi.createNamespacedSecret({
        namespace: `org-${org}--production`,
        body: { metadata: { name: 'app-credentials' }, stringData: { password: 'not-for-people' } },
      });
  });

  it("lets the platform act as each organization's agent, whom the apiserver keeps out of the other's namespaces", async () => {
    for (const [org, other] of [
      [techcorp, startupco],
      [startupco, techcorp],
    ] as const) {
      const asAgent = [...platform, `--as=${agentOf(org)}`];
      // The positive control: its own workload namespace.
      expect(await kubectlAs(asAgent, 'get', 'pods', '-n', `org-${org}--production`, '-o', 'name')).toBe('');
      // The apiserver, not Guardian's code, refuses the other organization's.
      const refused = kubectlAs(asAgent, 'get', 'pods', '-n', `org-${other}--production`, '-o', 'name');
      await expect(refused).rejects.toThrow(/\(Forbidden\)/);
      await expect(refused).rejects.toThrow(
        `User "${agentOf(org)}" cannot list resource "pods" in API group "" in the namespace "org-${other}--production"`,
      );
    }
  });

  it('lets the agent read Secrets in its own workload namespaces, where a person of the organization cannot', async () => {
    const asAgent = [...platform, `--as=${agentOf(startupco)}`];
    const namespace = `org-${startupco}--production`;
    expect(
      await kubectlAs(asAgent, 'get', 'secret', 'app-credentials', '-n', namespace, '-o', 'jsonpath={.type}'),
    ).toBe('Opaque');
    await expect(
      kubectlAs(asAgent, 'get', 'secret', 'app-credentials', '-n', `org-${techcorp}--production`),
    ).rejects.toThrow(/\(Forbidden\)/);
    // carol owns startupco: she reads its workloads (the positive control), never its Secrets.
    expect(await kubectlAs(carol, 'get', 'pods', '-n', namespace, '-o', 'name')).toBe('');
    await expect(kubectlAs(carol, 'get', 'secret', 'app-credentials', '-n', namespace)).rejects.toThrow(
      'User "oidc:carol@startupco.io" cannot get resource "secrets"',
    );
    await expect(kubectlAs(carol, 'get', 'secrets', '-n', namespace)).rejects.toThrow(/\(Forbidden\)/);
  });

  it('lets the operator act as the agent too, and nobody impersonate anyone else', async () => {
    const production = `org-${techcorp}--production`;
    expect(
      await kubectlAs(
        [...operator, `--as=${agentOf(techcorp)}`],
        'get',
        'pods',
        '-n',
        production,
        '-o',
        'name',
      ),
    ).toBe('');
    // The remediator may be impersonated (it has no rights yet: the refusal is of the list, not of the act).
    await expect(
      kubectlAs(
        [...platform, `--as=system:serviceaccount:org-${techcorp}:guardian-remediator`],
        'get',
        'pods',
        '-n',
        production,
      ),
    ).rejects.toThrow(`User "system:serviceaccount:org-${techcorp}:guardian-remediator" cannot list`);
    for (const [who, as] of [
      // Another ServiceAccount of the organization.
      [platform, `system:serviceaccount:org-${techcorp}:default`],
      // A ServiceAccount named like the agent where no binding lets it.
      [platform, 'system:serviceaccount:default:guardian-agent'],
      // A person.
      [platform, 'oidc:alice@techcorp.com'],
      // A person acting as an agent.
      [carol, agentOf(startupco)],
    ] as const) {
      const attempt = kubectlAs([...who, `--as=${as}`], 'get', 'pods', '-n', production);
      await expect(attempt, as).rejects.toThrow(/cannot impersonate/);
    }
    await expect(
      kubectlAs(
        [...platform, `--as=${agentOf(techcorp)}`],
        'auth',
        'whoami',
        '-o',
        'jsonpath={.status.userInfo.username}',
      ),
    ).resolves.toBe(agentOf(techcorp));
  });

  it('lets the platform read Nodes and StorageClasses with its own identity, which the agent cannot', async () => {
    expect(await kubectlAs(platform, 'get', 'nodes', '-o', 'name')).toContain('node/kwok-node-0');
    await kubectlAs(platform, 'get', 'storageclasses', '-o', 'name');
    // List only (all a run does with them), and nothing else cluster-wide.
    for (const attempt of [
      ['get', 'node', 'kwok-node-0'],
      ['delete', 'node', 'kwok-node-0', '--dry-run=server'],
    ]) {
      await expect(kubectlAs(platform, ...attempt)).rejects.toThrow(/\(Forbidden\)/);
    }
    await expect(kubectlAs(platform, 'get', 'namespaces')).rejects.toThrow(/\(Forbidden\)/);
    for (const plural of ['nodes', 'storageclasses']) {
      await expect(kubectlAs([...platform, `--as=${agentOf(techcorp)}`], 'get', plural)).rejects.toThrow(
        `User "${agentOf(techcorp)}" cannot list resource "${plural}"`,
      );
    }
  });
});
