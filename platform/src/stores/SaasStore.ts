import type { Knex } from 'knex';
import type { MonthSpend } from '../saas/figures.ts';
import type { SubscriptionEntry } from '../saas/history.ts';

interface EntryRow {
  org_id: string;
  at: Date;
  action: string;
  plan: string | null;
  created_at: string | null;
}

/** What the instance's SaaS figures read from the platform database: its only SQL. */
export class SaasStore {
  private readonly db: Knex;

  constructor(db: Knex) {
    this.db = db;
  }

  /** Every organization's plan and lifecycle entries (migration 0111's function), chain order. */
  async subscriptionEntries(): Promise<SubscriptionEntry[]> {
    const { rows } = (await this.db.raw('SELECT * FROM subscription_entries()')) as { rows: EntryRow[] };
    return rows.map((row) => ({
      orgId: row.org_id,
      at: row.at,
      action: row.action,
      ...(row.plan === null ? {} : { plan: row.plan }),
      ...(row.created_at === null ? {} : { createdAt: row.created_at }),
    }));
  }

  async spend(from: string, to: string): Promise<MonthSpend[]> {
    const rows = (await this.db('acquisition_spend')
      .whereBetween('month', [from, to])
      .select('month', 'currency', 'amount_cents')) as {
      month: string;
      currency: string;
      amount_cents: string;
    }[];
    return rows.map((row) => ({ month: row.month, currency: row.currency, cents: Number(row.amount_cents) }));
  }

  /** Sets a month's spend in a currency, replacing what was entered before. */
  async putSpend(spend: MonthSpend, by: string): Promise<void> {
    await this.db('acquisition_spend')
      .insert({ month: spend.month, currency: spend.currency, amount_cents: spend.cents, updated_by: by })
      .onConflict(['month', 'currency'])
      .merge({ amount_cents: spend.cents, updated_by: by, updated_at: this.db.fn.now() });
  }
}
