// `guardian agents`, `guardian findings` and `guardian usage`: what the API answers, as a table or JSON.
import type { AgentView, FindingList } from '../contract/agents.ts';
import type { Usage } from '../contract/usage.ts';
import { type Connection, request } from './client.ts';
import { type OutputFormat, printJson, printTable } from './output.ts';

export async function listAgents(connection: Connection, output: OutputFormat): Promise<void> {
  const { agents } = await request<{ agents: AgentView[] }>(connection, 'GET', '/agents');
  if (output === 'json') {
    printJson({ agents });
    return;
  }
  printTable(
    ['AGENT', 'CATEGORY', 'CHECKS', 'ALLOWED', 'NAME'],
    agents.map((agent) => [
      agent.id,
      agent.category,
      String(agent.checks.length),
      agent.allowed ? 'yes' : 'no',
      agent.name,
    ]),
  );
}

export interface FindingFilters {
  env?: string;
  severity?: string;
  agent?: string;
  status?: string;
  limit?: string;
}

export async function listFindings(
  connection: Connection,
  filters: FindingFilters,
  output: OutputFormat,
): Promise<void> {
  const query = new URLSearchParams();
  const names = {
    env: 'environment',
    severity: 'severity',
    agent: 'agent',
    status: 'status',
    limit: 'limit',
  };
  for (const [flag, parameter] of Object.entries(names)) {
    const value = filters[flag as keyof FindingFilters];
    if (value) query.set(parameter, value);
  }
  const list = await request<FindingList>(connection, 'GET', `/findings${query.size ? `?${query}` : ''}`);
  if (output === 'json') {
    printJson(list);
    return;
  }
  printTable(
    ['SEVERITY', 'STATUS', 'ENVIRONMENT', 'CHECK', 'RESOURCE', 'LAST SEEN'],
    list.findings.map((finding) => [
      finding.severity,
      finding.status,
      finding.environment,
      finding.check,
      `${finding.resource.namespace ? `${finding.resource.namespace}/` : ''}${finding.resource.kind}/${finding.resource.name}`,
      finding.last_seen,
    ]),
  );
}

export async function showUsage(connection: Connection, output: OutputFormat): Promise<void> {
  const usage = await request<Usage>(connection, 'GET', '/usage');
  if (output === 'json') {
    printJson(usage);
    return;
  }
  process.stdout.write(
    `${usage.org_id} on plan ${usage.plan}, ${usage.period.start} to ${usage.period.end}\n\n`,
  );
  printTable(
    ['QUOTA', 'USED', 'LIMIT', 'REMAINING'],
    Object.entries(usage.limits).map(([name, limit]) => [
      name,
      limit.used === null ? '-' : String(limit.used),
      limit.limit === null ? 'unlimited' : String(limit.limit),
      limit.remaining === null ? '-' : String(limit.remaining),
    ]),
  );
}
