import type { Team } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import type { KubeClient } from '@guardian/kube/client';
import { Informer } from '@guardian/kube/informer';
import type { KubeObject } from '@guardian/kube/resources';
import type { Logger } from 'pino';
import { controlNamespace } from './OrganizationDirectory.ts';

export type TeamObject = Team & KubeObject;

/** Teams as Kubernetes holds them (in each organization's `org-<org>`), read from one informer. */
export class TeamDirectory {
  private readonly informer: Informer<TeamObject>;

  constructor(client: KubeClient, log: Logger) {
    this.informer = new Informer<TeamObject>(client, KINDS.team, log);
  }

  start(): void {
    this.informer.start();
  }

  stop(): void {
    this.informer.stop();
  }

  get synced(): boolean {
    return this.informer.hasSynced;
  }

  get stale(): boolean {
    return this.informer.isStale();
  }

  list(orgId: string): TeamObject[] {
    const namespace = controlNamespace(orgId);
    return this.informer
      .list()
      .filter((team) => team.metadata?.namespace === namespace && !team.metadata?.deletionTimestamp)
      .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  }

  get(orgId: string, teamId: string): TeamObject | undefined {
    const team = this.informer.get(`${controlNamespace(orgId)}/${teamId}`);
    return team?.metadata?.deletionTimestamp ? undefined : team;
  }

  /** What the informer holds, deleted or not (for waiting until it has seen a write). */
  cached(orgId: string, teamId: string): TeamObject | undefined {
    return this.informer.get(`${controlNamespace(orgId)}/${teamId}`);
  }
}
