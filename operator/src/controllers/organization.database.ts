import { randomBytes } from 'node:crypto';
import type { Organization } from '@guardian/crds/generated';
import { KINDS } from '@guardian/crds/kinds';
import type { KubeClient } from '@guardian/kube/client';
import type { Informer } from '@guardian/kube/informer';
import { core, type KubeObject, keyOf } from '@guardian/kube/resources';
import {
  DATABASE_SECRET,
  LoginFailed,
  ProvisioningError,
  ServerNotFound,
  type TenantCredentials,
  type TenantProvisioner,
  tenantDatabaseName,
} from '@guardian/platform/tenant-db';
import type { OperatorAudit } from '../audit/trail.ts';
import type { ChildWriter } from '../runtime/children.ts';
import { FIELD_MANAGER } from '../runtime/children.ts';
import { failpoint } from '../runtime/failpoint.ts';
import { controlNamespace, managedLabels, ownedBy } from '../tenancy/names.ts';
import { keepSecretCopy } from './retained.ts';
import type { VerifiedDatabases } from './verified-databases.ts';

export const DATABASE_FINALIZER = 'guardian.aiops.dev/tenant-database';
export const SERVER_ANNOTATION = 'guardian.aiops.dev/database-server';

export interface DatabaseOutcome {
  ready: boolean;
  reason: string;
  message: string;
  server?: string;
  name: string;
  /** A failure worth retrying with backoff, after the status says what happened. */
  retry?: Error;
}

export interface DatabaseDeps {
  client: KubeClient;
  /** The organization's audit chain: databases created, dropped or retained. */
  audit: OperatorAudit;
  children: ChildWriter;
  provisioner: TenantProvisioner;
  secrets: Informer<KubeObject>;
  /** Where the Secret of a retained database is kept once its organization is gone. */
  operatorNamespace: string;
  verified: VerifiedDatabases;
}

interface Secret extends KubeObject {
  data?: Record<string, string>;
  type?: string;
}

const decode = (value: string | undefined) =>
  value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
const encode = (values: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]));

/** The Secret the tenant's workloads and the platform read: the only place the password lives. */
export function desiredDatabaseSecret(
  org: Organization,
  credentials: TenantCredentials,
  endpoint: { host: string; port: number },
  url: string,
): Secret {
  const name = org.metadata?.name ?? '';
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: DATABASE_SECRET,
      namespace: controlNamespace(name),
      labels: managedLabels(name),
      ownerReferences: ownedBy(org),
    },
    type: 'Opaque',
    data: encode({
      host: endpoint.host,
      port: String(endpoint.port),
      database: credentials.database,
      user: credentials.role,
      password: credentials.password,
      url,
    }),
  };
}

/**
 * The organization's metadata the operator owns: the finalizer guarding its database, and the
 * server the database was placed on (decided once, before anything exists there).
 */
async function applyOrganizationMetadata(
  client: KubeClient,
  org: Organization,
  server: string | undefined,
  finalizer: boolean,
) {
  await client.apply(
    KINDS.organization,
    {
      apiVersion: KINDS.organization.apiVersion,
      kind: KINDS.organization.kind,
      metadata: {
        name: org.metadata?.name,
        ...(server ? { annotations: { [SERVER_ANNOTATION]: server } } : {}),
        ...(finalizer ? { finalizers: [DATABASE_FINALIZER] } : {}),
      },
    },
    { fieldManager: FIELD_MANAGER },
  );
}

/**
 * Provisions the tenant database: placement (explicit or least-loaded, never moved, never a
 * namesake's), the Secret with a random password, the login role, the database, its migrations.
 */
export async function syncDatabase(deps: DatabaseDeps, org: Organization): Promise<DatabaseOutcome> {
  const orgName = org.metadata?.name ?? '';
  const uid = org.metadata?.uid ?? '';
  const name = tenantDatabaseName(orgName);
  try {
    let server = org.metadata?.annotations?.[SERVER_ANNOTATION];
    const wanted = org.spec.database?.server;
    if (wanted && !deps.provisioner.servers.has(wanted)) throw new ServerNotFound(wanted);
    if (server && wanted && wanted !== server) {
      return {
        ready: false,
        reason: 'DatabaseConflict',
        name,
        server,
        message: `The database lives on ${server}; tenants are never moved (spec.database.server is ${wanted})`,
      };
    }
    if (!server) {
      const found = await deps.provisioner.locate(name);
      const foreign = found.find((f) => f.organizationUid !== uid);
      if (foreign) {
        return {
          ready: false,
          reason: 'DatabaseConflict',
          name,
          message: `A database ${name} already exists on ${foreign.server} and belongs to no current organization of this name (retained earlier?); it is never handed over. Remove or rename it to proceed.`,
        };
      }
      server = wanted ?? found[0]?.server ?? (await deps.provisioner.leastLoaded());
      await applyOrganizationMetadata(deps.client, org, server, true);
    } else if (!org.metadata?.finalizers?.includes(DATABASE_FINALIZER)) {
      await applyOrganizationMetadata(deps.client, org, server, true);
    }

    // The informer may not have seen the Secret an earlier pass wrote: ask before making a new password.
    const existing =
      (deps.secrets.get(`${controlNamespace(orgName)}/${DATABASE_SECRET}`) as Secret | undefined) ??
      (await deps.client.find<Secret>(core.secret, DATABASE_SECRET, controlNamespace(orgName)));
    const credentials: TenantCredentials = {
      server,
      database: name,
      role: name,
      password: decode(existing?.data?.password) ?? randomBytes(24).toString('base64url'),
    };
    const secret = desiredDatabaseSecret(
      org,
      credentials,
      deps.provisioner.endpoint(server),
      deps.provisioner.connectionString(credentials),
    );
    await deps.children.ensure(core.secret, deps.secrets, secret);
    const provisioned = {
      ready: true,
      reason: 'Provisioned',
      name,
      server,
      message: `Database ${name} on ${server}`,
    };
    if (deps.verified.has(uid, server, credentials.password)) return provisioned;
    failpoint('database-after-secret', keyOf(org));

    await deps.provisioner.ensureRole(server, name, credentials.password);
    failpoint('database-after-role', keyOf(org));

    const here = (await deps.provisioner.locate(name)).find((f) => f.server === server);
    let migrated = false;
    if (!here) {
      ({ migrated } = await deps.provisioner.createDatabase(server, name, name, uid));
      await deps.audit.record(orgName, 'database.created', name, { server, database: name, role: name });
    } else if (here.owner !== name || (here.organizationUid !== undefined && here.organizationUid !== uid)) {
      return {
        ready: false,
        reason: 'DatabaseConflict',
        name,
        server,
        message: `Database ${name} on ${server} belongs to someone else; it is never handed over`,
      };
    }
    failpoint('database-after-create', keyOf(org));

    // A clone of the server's template starts migrated; any other database is migrated (or checked).
    if (!migrated) {
      try {
        await deps.provisioner.migrate(credentials);
      } catch (error) {
        if (!(error instanceof LoginFailed)) throw error;
        // The Secret is the source of truth: a role whose password drifted is brought back to it.
        await deps.provisioner.resetPassword(server, name, credentials.password);
        await deps.provisioner.migrate(credentials);
      }
    }
    deps.verified.add(uid, server, credentials.password);
    return provisioned;
  } catch (error) {
    if (error instanceof ServerNotFound) {
      return {
        ready: false,
        reason: 'ServerNotFound',
        name,
        message: `Tenant database server ${error.server} is not configured`,
      };
    }
    const message =
      error instanceof ProvisioningError
        ? error.message
        : 'Could not provision the tenant database; retrying';
    return {
      ready: false,
      reason: 'ProvisioningFailed',
      name,
      message,
      retry: error instanceof Error ? error : new Error(String(error)),
    };
  }
}

/**
 * Runs before the Organization goes: drops its database and role (deletionPolicy Delete) or keeps
 * them and copies their Secret to the operator's namespace (Retain); then releases the finalizer.
 * A database that is not this organization's is never dropped.
 */
export async function finalizeDatabase(deps: DatabaseDeps, org: Organization): Promise<void> {
  deps.verified.delete(org.metadata?.uid ?? '');
  if (!org.metadata?.finalizers?.includes(DATABASE_FINALIZER)) return;
  const orgName = org.metadata?.name ?? '';
  const name = tenantDatabaseName(orgName);
  const server = org.metadata?.annotations?.[SERVER_ANNOTATION];
  if (server && deps.provisioner.servers.has(server)) {
    if (org.spec.database?.deletionPolicy === 'Retain') {
      const secret = deps.secrets.get(`${controlNamespace(orgName)}/${DATABASE_SECRET}`) as
        | Secret
        | undefined;
      if (secret?.data) {
        const retained = `retained-database-${orgName}`;
        await keepSecretCopy(
          deps.client,
          {
            name: retained,
            namespace: deps.operatorNamespace,
            organization: orgName,
            fieldManager: FIELD_MANAGER,
          },
          secret.data,
        );
        await deps.audit.record(orgName, 'database.retained', name, {
          server,
          database: name,
          secret: `${deps.operatorNamespace}/${retained}`,
        });
      }
    } else {
      const here = (await deps.provisioner.locate(name)).find((f) => f.server === server);
      const ours = here && (here.organizationUid === undefined || here.organizationUid === org.metadata?.uid);
      if (ours) {
        await deps.provisioner.drop(server, name, name);
        await deps.audit.record(orgName, 'database.deleted', name, { server, database: name, role: name });
      } else if (!here) await deps.provisioner.dropRoleIfUnused(server, name);
    }
  }
  failpoint('database-during-deletion', keyOf(org));
  // Keyed: a pass that wrote this and then lost its finalizer update to a conflict comes here again.
  await deps.audit.record(
    orgName,
    'organization.deleted',
    orgName,
    { deletionPolicy: org.spec.database?.deletionPolicy ?? 'Delete' },
    `${org.metadata?.uid ?? orgName}/organization.deleted`,
  );
  await applyOrganizationMetadata(deps.client, org, server, false);
}
