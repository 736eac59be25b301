export { migrateTenantDatabase, TENANT_MIGRATIONS, tenantMigrationSource } from './migrations.ts';
export { TenantPools } from './pools.ts';
export {
  LoginFailed,
  type Placement,
  ProvisioningError,
  ServerNotFound,
  type TenantCredentials,
  TenantProvisioner,
} from './provisioner.ts';
export { scramVerifier } from './scram.ts';
export { tenantDatabaseUrl } from './secret.ts';
export {
  DATABASE_SECRET,
  parseTenantServers,
  type TenantServers,
  tenantDatabaseName,
} from './servers.ts';
