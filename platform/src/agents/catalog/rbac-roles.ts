import { named, type Stored } from '../kinds.ts';
import { bindingsOf } from '../lookups/rbac.ts';
import { type Grant, granted, hasWildcard } from '../semantics/rbac.ts';
import type { Snapshot } from '../snapshot.ts';
import type { Agent, Check, Severity } from '../types.ts';
import { nameList, names } from './text.ts';

const RBAC = 'rbac.authorization.k8s.io';
const CORE = '';

/** Who holds what the Role grants: findings are on the Role, bound or not. */
function heldBy(snapshot: Snapshot, role: Stored<'Role'>) {
  const bindings = bindingsOf(snapshot, role);
  return {
    text: bindings.length > 0 ? `bound by ${names(bindings)}` : 'bound by no RoleBinding yet',
    boundBy: nameList(bindings),
  };
}

interface GrantCheck {
  id: string;
  severity: Severity;
  title: string;
  grants: readonly Grant[];
  /** Completes "Role x grants get secrets, which …". */
  risk: string;
}

function grantCheck({ id, severity, title, grants, risk }: GrantCheck): Check {
  return {
    id,
    severity,
    mode: 'spec',
    title,
    target: 'Role',
    detect(role, { snapshot }) {
      const found = grants.flatMap((grant) => granted(role.rules ?? [], grant));
      if (found.length === 0) return undefined;
      const held = heldBy(snapshot, role);
      return {
        message: `${named(role)} grants ${found.join(', ')} (${held.text}), which ${risk}.`,
        remediation:
          'Remove these verbs from the rules (resourceNames do not make them safe), or keep them in a Role bound only to the identity that needs them and nothing else.',
        evidence: { grants: found, boundBy: held.boundBy },
      };
    },
  };
}

const wildcardRule: Check = {
  id: 'wildcard-rule',
  severity: 'medium',
  mode: 'spec',
  title: 'Roles with wildcard rules',
  target: 'Role',
  detect(role, { snapshot }) {
    const rules = (role.rules ?? []).filter(hasWildcard);
    if (rules.length === 0) return undefined;
    const held = heldBy(snapshot, role);
    return {
      message: `${named(role)} has rules with * in verbs, resources or apiGroups (${held.text}): they grant whatever exists now or is added later.`,
      remediation: 'List the verbs, resources and API groups the holder needs instead of *.',
      evidence: {
        rules: rules.map((rule) => ({
          apiGroups: rule.apiGroups ?? [],
          resources: rule.resources ?? [],
          verbs: rule.verbs,
        })),
        boundBy: held.boundBy,
      },
    };
  },
};

export const rbacRoles: Agent = {
  id: 'rbac-roles',
  name: 'RBAC roles',
  category: 'security',
  description: 'Dangerous grants in the namespace’s Roles (ClusterRoles are not readable by a tenant agent).',
  checks: [
    wildcardRule,
    grantCheck({
      id: 'secrets-read',
      severity: 'medium',
      title: 'Roles that read Secrets',
      grants: [{ verbs: ['get', 'list', 'watch'], group: CORE, resources: ['secrets'] }],
      risk: 'reads every credential of the namespace, service account tokens included',
    }),
    grantCheck({
      id: 'pod-exec-attach',
      severity: 'high',
      title: 'Roles that exec or attach into Pods',
      grants: [{ verbs: ['get', 'create'], group: CORE, resources: ['pods/exec', 'pods/attach'] }],
      risk: 'runs commands in running containers, with their identity and mounted secrets',
    }),
    grantCheck({
      id: 'create-pods',
      severity: 'medium',
      title: 'Roles that create Pods',
      grants: [{ verbs: ['create'], group: CORE, resources: ['pods'] }],
      risk: 'runs any image as any ServiceAccount of the namespace, and mounts any of its Secrets',
    }),
    grantCheck({
      id: 'escalate-bind-impersonate',
      severity: 'high',
      title: 'Roles that escalate, bind or impersonate',
      grants: [
        { verbs: ['bind', 'escalate'], group: RBAC, resources: ['roles', 'clusterroles'] },
        { verbs: ['impersonate'], group: CORE, resources: ['users', 'groups', 'serviceaccounts'] },
      ],
      risk: 'lets its holder grant itself, or act with, more than the Role gives',
    }),
    grantCheck({
      id: 'sa-token-create',
      severity: 'medium',
      title: 'Roles that create ServiceAccount tokens',
      grants: [{ verbs: ['create'], group: CORE, resources: ['serviceaccounts/token'] }],
      risk: 'acts as any ServiceAccount of the namespace',
    }),
  ],
};
