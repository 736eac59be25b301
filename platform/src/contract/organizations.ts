import { z } from 'zod';
import { ORG_ROLES } from '../rbac.ts';
import { DATABASE_SECRET } from '../tenant-db/servers.ts';
import {
  AnalyticsRange,
  AnalyticsRangeQuery,
  CostSection,
  LockedSection,
  PerformanceSection,
  QuotaForecast,
  SecuritySection,
  UsageSection,
} from './analytics.ts';
import { contract } from './registry.ts';
import { distinct, emailAddress, line } from './text.ts';
import { orgId } from './token.ts';

const dnsName = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, {
    error: 'must be a lowercase DNS name such as example.com',
  });
const planName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'must be the name of a plan' });

export const Owner = z.strictObject({
  kind: z.enum(['User', 'Group']),
  name: line(256),
});

// The nested shapes are the Organization CRD's own (camelCase), so an API caller and a kubectl
// user write the same thing; the apiserver's validation is the authority on them.
const Sso = z.strictObject({
  issuer: z.url({ protocol: /^https$/ }),
  clientId: z.string().min(1).max(256),
  clientSecretRef: z.strictObject({
    name: z
      .string()
      .min(1)
      .max(253)
      // The platform may read that Secret too: an IdP must never be sent the tenant database's credentials.
      .refine(
        (name) => name !== DATABASE_SECRET,
        `may not be ${DATABASE_SECRET}, the tenant database credentials`,
      ),
    key: z.string().max(253).optional(),
  }),
  groupsClaim: line(128).optional(),
  groupRoles: distinct(
    z.strictObject({ group: line(256), role: z.enum(ORG_ROLES) }),
    64,
    (entry) => entry.group,
  ).optional(),
});
const Branding = z.strictObject({
  productName: line(64).optional(),
  logoUrl: z.url({ protocol: /^https$/ }).optional(),
  primaryColor: z.string().optional(),
});
const environment = z
  .string()
  .max(20)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a DNS label' });

export const CreateOrganization = contract(
  'CreateOrganization',
  z.strictObject({
    name: line(128).describe('The display name, e.g. "TechCorp Enterprise"'),
    domain: dnsName.optional().describe('An email domain whose verified users join (super admins only)'),
    owner_email: emailAddress().describe('The first owner (spec.owners, kind User)'),
    plan_type: planName.describe('The plan (QuotaPolicy), e.g. starter, professional, enterprise'),
    org_id: orgId
      .refine((id) => !id.includes('--'), { error: "must not contain '--'" })
      .optional()
      .describe('The organization id; default: derived from name'),
  }),
);
export type CreateOrganization = z.infer<typeof CreateOrganization>;

export const UpdateOrganization = contract(
  'UpdateOrganization',
  z.strictObject({
    name: line(128).optional(),
    owners: distinct(Owner, 32).optional().describe('Replaces the owners (needs owners:manage)'),
    sso: Sso.nullable().optional().describe('null removes it'),
    branding: Branding.nullable().optional().describe('null removes it'),
    environments: distinct(environment, 10).optional(),
    domains: distinct(dnsName, 20).optional().describe('Super admins only'),
    plan_type: planName.optional().describe('Super admins only'),
    suspended: z
      .boolean()
      .optional()
      .describe('Super admins only: true refuses every login and request in the organization'),
  }),
);
export type UpdateOrganization = z.infer<typeof UpdateOrganization>;

const Condition = z.object({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

export const OrganizationView = contract(
  'Organization',
  z.strictObject({
    org_id: orgId,
    name: z.string(),
    domains: z.array(z.string()),
    plan_type: z.string(),
    owners: z.array(Owner),
    environments: z.array(z.string()),
    sso: Sso.nullable(),
    branding: Branding.nullable(),
    suspended: z.boolean(),
    deletion: z
      .strictObject({
        requested_at: z.string(),
        scheduled_at: z
          .string()
          .nullable()
          .describe('When the operator deletes it (null until the operator has seen the request)'),
      })
      .nullable()
      .describe('A pending deletion: the organization is read-only until then, and owners may restore it'),
    ready: z.boolean(),
    conditions: z.array(Condition),
    created_at: z.string().nullable(),
  }),
);
export type OrganizationView = z.infer<typeof OrganizationView>;

export const OrganizationList = contract(
  'OrganizationList',
  z.strictObject({ organizations: z.array(OrganizationView) }),
);

const Quota = z.strictObject({
  limit: z.number().nullable().describe('null: unlimited'),
  used: z.number().nullable().describe('null: not metered yet'),
  ...QuotaForecast,
});

const Used = {
  agent_executions: z.number().int().nonnegative().describe('Agent executions counted'),
  workflows: z.number().int().nonnegative().describe('Workflows counted'),
};

export const DeleteOrganizationQuery = contract(
  'DeleteOrganizationQuery',
  z.strictObject({
    confirm: z.string().max(64).optional().describe('The org_id again: a deletion must name what it deletes'),
    immediately: z
      .enum(['true', 'false'])
      .optional()
      .describe('Super admins only: delete now, without the grace period in which owners may restore it'),
  }),
);
export type DeleteOrganizationQuery = z.infer<typeof DeleteOrganizationQuery>;

export const AnalyticsQuery = contract(
  'AnalyticsQuery',
  z.strictObject({
    periods: z.coerce
      .number()
      .int()
      .min(1)
      .max(24)
      .default(6)
      .describe('How many billing periods of history, the current one included'),
    ...AnalyticsRangeQuery,
  }),
);
export type AnalyticsQuery = z.infer<typeof AnalyticsQuery>;

const UsageHistory = z.strictObject({
  periods: z
    .array(
      z.strictObject({
        period: z.string().describe('The period’s first day (YYYY-MM-DD, UTC): its key'),
        start: z.iso.datetime(),
        end: z.iso.datetime().describe('Exclusive'),
        ...Used,
      }),
    )
    .describe('The last billing periods, oldest first, the current one last'),
  days: z
    .array(z.strictObject({ date: z.string().describe('YYYY-MM-DD, UTC'), ...Used }))
    .describe('Each day of the current billing period up to today, oldest first'),
});

export const OrganizationAnalytics = contract(
  'OrganizationAnalytics',
  z.strictObject({
    org_id: orgId,
    plan_type: z.string(),
    members: z.number().int().describe('Users with a membership row'),
    owners: z.number().int().describe('Entries in spec.owners (users and groups)'),
    teams: z.number().int(),
    limits: z.strictObject({
      agent_executions_per_month: z.number().nullable(),
      workflows_per_month: z.number().nullable(),
      storage_gib: z.number().nullable(),
      api_calls_per_hour: z.number().nullable(),
      team_members: z.number().nullable(),
      concurrent_workflows: z.number().nullable(),
    }),
    quota: z.strictObject({
      team_members: Quota,
      agent_executions_per_month: Quota,
      workflows_per_month: Quota,
      api_calls_per_hour: Quota,
    }),
    period: z.string().describe('The billing period the monthly figures are for (its first day)'),
    history: UsageHistory.describe('Usage over time, counted from the usage ledger'),
    range: AnalyticsRange.describe('The days the sections below cover (from, to, granularity)'),
    usage: UsageSection,
    cost: z.union([CostSection, LockedSection]).describe('Plans with advancedAnalytics: full'),
    performance: z.union([PerformanceSection, LockedSection]).describe('Plans with advancedAnalytics: full'),
    security: z.union([SecuritySection, LockedSection]).describe('Plans with advancedAnalytics: full'),
    note: z.string().optional(),
  }),
);
export type OrganizationAnalytics = z.infer<typeof OrganizationAnalytics>;
