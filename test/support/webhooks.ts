// Webhook endpoints and deliveries for tests that need their ids.

import { connect } from '../../platform/src/db.ts';
import { MembershipStore } from '../../platform/src/stores/MembershipStore.ts';
import { call, createUser } from './platform.ts';
import { stackEnv } from './stack.ts';

/** An endpoint (on a public name: nothing is delivered to it in tests); its id. */
export async function webhookIn(
  url: string,
  token: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const body = { url: 'https://hooks.example.com/test', events: ['member.joined'] };
  const response = await call(url, 'POST', '/webhooks', token, body, headers);
  if (response.status !== 201) throw new Error(`webhook: ${response.status} ${response.text}`);
  return (response.body as { id: string }).id;
}

/** An endpoint of `orgId` with one delivery in its log (a user joined through the membership store). */
export async function webhookDeliveryIn(
  url: string,
  token: string,
  orgId: string,
  headers: Record<string, string> = {},
): Promise<{ webhook: string; delivery: string }> {
  const webhook = await webhookIn(url, token, headers);
  const db = connect(stackEnv('DATABASE_URL'), { max: 1 });
  try {
    await new MembershipStore(db).addIfAbsent(orgId, await createUser(), 'read_only', 'manual', null);
  } finally {
    await db.destroy();
  }
  const log = await call(url, 'GET', `/webhooks/${webhook}/deliveries`, token, undefined, headers);
  const delivery = (log.body as { deliveries: Array<{ id: string }> }).deliveries[0]?.id;
  if (!delivery) throw new Error(`webhook delivery: ${log.status} ${log.text}`);
  return { webhook, delivery };
}
