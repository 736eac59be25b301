import { queryOptions } from '@tanstack/react-query';
import { call } from './client.ts';
import { api } from './session.ts';

/** The organization's agent runs, newest first (the checklist asks whether there is one). */
export const agentRunsQuery = (org: string, limit: number) =>
  queryOptions({
    queryKey: ['agent-runs', org, limit],
    queryFn: () =>
      call(api.GET('/agents/runs', { params: { query: { limit } }, headers: { 'x-org-id': org } })),
  });

export const invitationsQuery = (org: string) =>
  queryOptions({
    queryKey: ['invitations', org],
    queryFn: () => call(api.GET('/tenants/invitations', { headers: { 'x-org-id': org } })),
  });

/**
 * Whether a person dismissed the onboarding checklist of an organization: a preference of this
 * browser (localStorage), not data of the organization. Storage a browser refuses reads as "not
 * dismissed" and dismisses for this page only.
 */
const dismissedKey = (org: string, userId: string) => `guardian.onboarding-dismissed.${org}.${userId}`;

export function onboardingDismissed(org: string, userId: string): boolean {
  try {
    return globalThis.localStorage.getItem(dismissedKey(org, userId)) === 'true';
  } catch {
    return false;
  }
}

export function dismissOnboarding(org: string, userId: string): void {
  try {
    globalThis.localStorage.setItem(dismissedKey(org, userId), 'true');
  } catch {
    // Dismissed for this page only (see above).
  }
}
