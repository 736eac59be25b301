import { queryOptions } from '@tanstack/react-query';
import { call } from './client.ts';
import type { components } from './generated/schema.ts';
import { api } from './session.ts';

export type Analytics = components['schemas']['OrganizationAnalytics'];
export type AnalyticsQuery = NonNullable<components['schemas']['AnalyticsQuery']>;
export type Granularity = Analytics['range']['granularity'];

/** The ranges the analytics page offers, in days up to today. */
export const RANGES = [
  { days: 7, label: 'Last 7 days' },
  { days: 30, label: 'Last 30 days' },
  { days: 90, label: 'Last 90 days' },
  { days: 365, label: 'Last 12 months' },
] as const;

/** The first day of a range of `days` days ending today (UTC), as the API takes it. */
export function rangeStart(days: number, today = new Date()): string {
  return new Date(today.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
}

/** Whether a section is the plan's lock instead of figures. */
export function isLocked(section: unknown): section is { locked: true; plan: string | null } {
  return typeof section === 'object' && section !== null && 'locked' in section;
}

export const analyticsQuery = (org: string, days: number, granularity: Granularity) =>
  queryOptions({
    queryKey: ['analytics', org, days, granularity],
    queryFn: () =>
      call(
        api.GET('/tenants/organizations/{org_id}/analytics', {
          params: { path: { org_id: org }, query: { from: rangeStart(days), granularity } },
          headers: { 'x-org-id': org },
        }),
      ),
  });
