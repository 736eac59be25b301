import { ApiError } from '@guardian/kube/client';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/fake-clock.ts';
import { LeaderElector, type Lease, type LeaseSpec, type LeaseStore } from './leader.ts';

/** The Lease in memory, with the apiserver's optimistic concurrency (resourceVersion, 409). */
class MemoryLeaseStore implements LeaseStore {
  lease: Lease | undefined;
  /** Every call fails with this while it is set (a 403, an unreachable apiserver). */
  failing: Error | undefined;
  /** Updates fail with this while it is set. */
  failingUpdates: Error | undefined;
  private version = 0;

  get(): Promise<Lease | undefined> {
    if (this.failing) return Promise.reject(this.failing);
    return Promise.resolve(structuredClone(this.lease));
  }

  create(spec: LeaseSpec): Promise<Lease> {
    if (this.failing) return Promise.reject(this.failing);
    if (this.lease) return Promise.reject(new ApiError(409, 'AlreadyExists', 'leases "l" already exists'));
    return Promise.resolve(this.write(spec));
  }

  update(lease: Lease): Promise<Lease> {
    const failure = this.failing ?? this.failingUpdates;
    if (failure) return Promise.reject(failure);
    if (!this.lease) return Promise.reject(new ApiError(404, 'NotFound', 'leases "l" not found'));
    if (lease.metadata?.resourceVersion !== this.lease.metadata?.resourceVersion)
      return Promise.reject(new ApiError(409, 'Conflict', 'the object has been modified'));
    return Promise.resolve(this.write(lease.spec ?? {}));
  }

  /** Writes the Lease as any replica would; returns what is stored. */
  write(spec: LeaseSpec): Lease {
    this.version++;
    this.lease = { metadata: { name: 'l', resourceVersion: String(this.version) }, spec: { ...spec } };
    return structuredClone(this.lease);
  }
}

const start = Date.parse('2026-03-01T12:00:00Z');
const micro = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '000Z');
const flush = () => new Promise((resolve) => setImmediate(resolve));

function setup() {
  const clock = new FakeClock(start);
  const store = new MemoryLeaseStore();
  const logs: Array<{ level: number; msg: string }> = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  /** Another candidate on the same Lease and clock. */
  const candidate = (identity: string) =>
    new LeaderElector(store, pino({ level: 'silent' }), { namespace: 'ns', name: 'l', identity, clock });
  const elector = new LeaderElector(store, log, { namespace: 'ns', name: 'l', identity: 'me', clock });
  /** Moves time in retry-period steps, letting the elector run between them. */
  const advance = async (ms: number, stepMs = 1_000) => {
    for (let passed = 0; passed < ms; passed += stepMs) {
      clock.advance(Math.min(stepMs, ms - passed));
      await flush();
    }
  };
  const warnings = () => logs.filter((line) => line.level === 40);
  return { clock, store, elector, candidate, advance, warnings };
}

const heldByOther = (renewTime: string): LeaseSpec => ({
  holderIdentity: 'other',
  leaseDurationSeconds: 15,
  acquireTime: renewTime,
  renewTime,
  leaseTransitions: 3,
});

describe('LeaderElector', () => {
  it('creates and holds a Lease where there is none', async () => {
    const { store, elector, clock } = setup();
    await elector.acquire(() => undefined);
    expect(elector.isLeader).toBe(true);
    expect(store.lease?.spec).toEqual({
      holderIdentity: 'me',
      leaseDurationSeconds: 15,
      acquireTime: micro(clock.now()),
      renewTime: micro(clock.now()),
      leaseTransitions: 0,
    });
  });

  it('takes a released Lease (no holder) at once', async () => {
    const { store, elector } = setup();
    store.write({ ...heldByOther(micro(start)), holderIdentity: null, leaseDurationSeconds: 1 });
    expect(await elector.tryAcquireOrRenew()).toBe('held');
    expect(store.lease?.spec).toMatchObject({ holderIdentity: 'me', leaseTransitions: 4 });
  });

  for (const [skew, renewTime] of [
    ['far behind ours (its renewTime looks long expired)', '2001-01-01T00:00:00.000000Z'],
    ['far ahead of ours (its renewTime looks valid for years)', '2999-01-01T00:00:00.000000Z'],
  ] as const) {
    it(`respects a held Lease for a lease duration on its own clock, from a holder whose clock is ${skew}`, async () => {
      const { store, elector, clock } = setup();
      store.write(heldByOther(renewTime));
      expect(await elector.tryAcquireOrRenew()).toBe('taken');
      clock.advance(14_999);
      expect(await elector.tryAcquireOrRenew()).toBe('taken');
      expect(store.lease?.spec?.holderIdentity).toBe('other');
      // Nobody renewed it for 15 s of our own time since we first saw this record.
      clock.advance(1);
      expect(await elector.tryAcquireOrRenew()).toBe('held');
      expect(store.lease?.spec).toMatchObject({
        holderIdentity: 'me',
        acquireTime: micro(clock.now()),
        renewTime: micro(clock.now()),
        leaseTransitions: 4,
      });
    });
  }

  it('never takes a Lease over from a holder that keeps renewing it', async () => {
    const { store, elector, clock } = setup();
    for (let second = 0; second < 60; second += 2) {
      // The holder's renewTime is from a clock an hour behind: only the change counts.
      store.write(heldByOther(micro(clock.now() - 3_600_000)));
      expect(await elector.tryAcquireOrRenew()).toBe('taken');
      clock.advance(2_000);
    }
    expect(store.lease?.spec?.holderIdentity).toBe('other');
  });

  it('waits in acquire until the Lease expires on its own clock, then leads', async () => {
    const { store, elector, advance } = setup();
    store.write(heldByOther('2001-01-01T00:00:00.000000Z'));
    let leading = false;
    void elector
      .acquire(() => undefined)
      .then(() => {
        leading = true;
      });
    await advance(14_000);
    expect(leading).toBe(false);
    // It sees the expiry at its next retry (every 2 s).
    await advance(2_000);
    expect(leading).toBe(true);
    expect(store.lease?.spec?.holderIdentity).toBe('me');
  });

  it('renews the Lease it holds: a new renewTime, the same acquireTime and transitions', async () => {
    const { store, elector, advance, clock } = setup();
    await elector.acquire(() => undefined);
    const acquired = store.lease?.spec;
    await advance(2_000);
    expect(store.lease?.spec).toEqual({ ...acquired, renewTime: micro(clock.now()) });
    await advance(20_000);
    expect(store.lease?.spec).toEqual({ ...acquired, renewTime: micro(clock.now()) });
    expect(elector.isLeader).toBe(true);
  });

  it('loses leadership when renewals keep failing past the renew deadline, not before', async () => {
    const { store, elector, advance } = setup();
    let lost = 0;
    await elector.acquire(() => lost++);
    store.failingUpdates = new ApiError(409, 'Conflict', 'the object has been modified');
    // Renewals at 2, 4, 6, 8 and 10 s fail; 10 s since the last renewal is not past the deadline yet.
    await advance(10_000);
    expect(lost).toBe(0);
    expect(elector.isLeader).toBe(true);
    await advance(2_000);
    expect(lost).toBe(1);
    expect(elector.isLeader).toBe(false);
  });

  it('keeps leading through failed renewals that recover within the renew deadline', async () => {
    const { store, elector, advance } = setup();
    let lost = 0;
    await elector.acquire(() => lost++);
    store.failing = new ApiError(503, 'ServiceUnavailable', 'etcd is restarting');
    await advance(8_000);
    store.failing = undefined;
    await advance(30_000);
    expect(lost).toBe(0);
    expect(elector.isLeader).toBe(true);
  });

  it('loses leadership at once when another replica holds the Lease', async () => {
    const { store, elector, advance, clock } = setup();
    let lost = 0;
    await elector.acquire(() => lost++);
    store.write(heldByOther(micro(clock.now())));
    await advance(2_000);
    expect(lost).toBe(1);
    expect(elector.isLeader).toBe(false);
  });

  it('logs why it cannot acquire (a 403 is not silent waiting): when the failure changes, else once a minute', async () => {
    const { store, elector, advance, warnings } = setup();
    store.failing = new ApiError(403, 'Forbidden', 'leases.coordination.k8s.io "l" is forbidden');
    let leading = false;
    void elector
      .acquire(() => undefined)
      .then(() => {
        leading = true;
      });
    await flush();
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ msg: 'Could not read or write the leader Lease; retrying' });
    expect(JSON.stringify(warnings()[0])).toContain('is forbidden');
    await advance(58_000);
    expect(warnings()).toHaveLength(1);
    await advance(2_000);
    expect(warnings()).toHaveLength(2);
    store.failing = new ApiError(500, 'InternalError', 'etcdserver: request timed out');
    await advance(2_000);
    expect(warnings()).toHaveLength(3);
    store.failing = undefined;
    await advance(2_000);
    expect(leading).toBe(true);
  });

  it('releases the Lease it holds, so a standby takes it at once', async () => {
    const { store, elector, candidate } = setup();
    await elector.acquire(() => undefined);
    await elector.release();
    expect(elector.isLeader).toBe(false);
    expect(store.lease?.spec).toMatchObject({ holderIdentity: null, leaseDurationSeconds: 1 });
    expect(await candidate('standby').tryAcquireOrRenew()).toBe('held');
  });

  it('loses a race for the Lease without error: only one of two candidates wins', async () => {
    const { elector, candidate } = setup();
    const outcomes = await Promise.all([elector.tryAcquireOrRenew(), candidate('rival').tryAcquireOrRenew()]);
    expect(outcomes.sort()).toEqual(['failed', 'held']);
  });
});
