// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { QuotaMeter, quotaLevel, splitNote } from './QuotaMeter.tsx';

afterEach(cleanup);

describe('quotaLevel', () => {
  it.each([
    [0, 10, 'ok'],
    [7, 10, 'ok'],
    [8, 10, 'warning'],
    [9, 10, 'warning'],
    [10, 10, 'full'],
    [12, 10, 'full'],
    [0, 0, 'full'],
  ])('%i of %i is %s', (used, limit, level) => {
    expect(quotaLevel(used, limit)).toBe(level);
  });
});

describe('splitNote', () => {
  it.each([
    ['not counted: the plan has no hourly limit', 'Not counted', 'The plan has no hourly limit'],
    ['not measured yet: workflow runs arrive later', 'Not measured yet', 'Workflow runs arrive later'],
    ['the tenant database is not ready', 'Not measured', 'The tenant database is not ready'],
    [undefined, 'Not measured', undefined],
  ])('reads %j as a status and its reason', (note, status, reason) => {
    expect(splitNote(note)).toEqual(reason === undefined ? { status } : { status, reason });
  });
});

describe('QuotaMeter', () => {
  it('shows a bounded limit as a meter named by its label, with what is left', () => {
    render(
      <QuotaMeter
        label="Seats"
        hint="Members and pending invitations"
        limit={{ limit: 5, used: 3, remaining: 2 }}
      />,
    );
    const meter = screen.getByRole('meter', { name: 'Seats' });
    expect(meter.getAttribute('value')).toBe('3');
    expect(meter.getAttribute('max')).toBe('5');
    expect(meter.getAttribute('aria-valuetext')).toBe('3 of 5 used');
    expect(screen.getByText('2 left')).toBeTruthy();
  });

  it('says when the limit is reached, for the period it applies to', () => {
    render(
      <QuotaMeter
        label="API calls"
        hint="In the last hour"
        limit={{ limit: 100, used: 100, remaining: 0 }}
        period="this hour"
      />,
    );
    expect(screen.getByRole('meter', { name: 'API calls' }).getAttribute('aria-valuetext')).toBe(
      '100 of 100 used this hour',
    );
    expect(screen.getByText('Limit reached this hour')).toBeTruthy();
  });

  it('shows amounts with their unit and fractions', () => {
    render(
      <QuotaMeter
        label="Storage"
        hint="Database"
        unit="GiB"
        limit={{ limit: 5, used: 0.25, remaining: 4.75 }}
      />,
    );
    expect(screen.getByRole('meter', { name: 'Storage' }).getAttribute('aria-valuetext')).toBe(
      '0.25 GiB of 5 GiB used',
    );
    expect(screen.getByText('4.75 GiB left')).toBeTruthy();
  });

  it('has no meter for an unlimited plan, and says so', () => {
    render(<QuotaMeter label="Workflows" hint="Runs" limit={{ limit: null, used: 12, remaining: null }} />);
    expect(screen.queryByRole('meter')).toBeNull();
    expect(screen.getByText('Unlimited')).toBeTruthy();
    expect(screen.getByText('No limit on your plan')).toBeTruthy();
  });

  it('explains a figure that is not measured with the platform’s note', () => {
    render(
      <QuotaMeter
        label="API calls"
        hint="In the last hour"
        limit={{
          limit: null,
          used: null,
          remaining: null,
          note: 'not counted: the plan has no hourly limit',
        }}
      />,
    );
    expect(screen.queryByRole('meter')).toBeNull();
    expect(screen.getByText('Not counted')).toBeTruthy();
    expect(screen.getByText('The plan has no hourly limit')).toBeTruthy();
    expect(screen.queryByText('In the last hour')).toBeNull();
  });
});
