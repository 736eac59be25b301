/** The tenant database servers, `TENANT_DB_SERVERS=name=url,name=url`: URLs of the provisioning role. */
export type TenantServers = ReadonlyMap<string, string>;

export function parseTenantServers(value: string): TenantServers {
  const servers = new Map<string, string>();
  for (const entry of value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const at = entry.indexOf('=');
    const name = entry.slice(0, at);
    const url = entry.slice(at + 1);
    if (at <= 0 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name))
      throw new Error(
        `TENANT_DB_SERVERS: "${name || entry.split(':')[0]}" is not a server name (a DNS label)`,
      );
    if (!/^postgres(ql)?:\/\//.test(url))
      throw new Error(`TENANT_DB_SERVERS: server ${name} needs a postgres:// URL`);
    if (servers.has(name)) throw new Error(`TENANT_DB_SERVERS: server ${name} is listed twice`);
    servers.set(name, url);
  }
  if (servers.size === 0) throw new Error('TENANT_DB_SERVERS lists no server');
  return servers;
}

/**
 * The Secret in an organization's control namespace `org-<org>` with its tenant database's
 * credentials (host, port, database, user, password, url): the only place the password lives.
 */
export const DATABASE_SECRET = 'guardian-database';

/** The database and login role of an organization: `tenant_<org>` with `-` as `_`. */
export function tenantDatabaseName(org: string): string {
  return `tenant_${org.replaceAll('-', '_')}`;
}
