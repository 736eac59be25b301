// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OrgSwitcher } from './OrgSwitcher.tsx';

afterEach(cleanup);

const orgs = [
  { id: 'techcorp', name: 'TechCorp Enterprise' },
  { id: 'startupco', name: 'StartupCo' },
];

describe('OrgSwitcher', () => {
  it('names the one organization of someone in one, without a choice', () => {
    render(<OrgSwitcher current="techcorp" organizations={orgs.slice(0, 1)} onSelect={() => undefined} />);
    expect(screen.queryByRole('combobox')).toBeNull();
    expect(screen.getByText('TechCorp Enterprise')).toBeTruthy();
  });

  it('offers the others to someone in several, and switches to the one chosen', () => {
    const onSelect = vi.fn();
    render(<OrgSwitcher current="techcorp" organizations={orgs} onSelect={onSelect} />);
    const select = screen.getByRole('combobox', { name: 'Organization' }) as HTMLSelectElement;
    expect(select.value).toBe('techcorp');
    expect(screen.getAllByRole('option').map((option) => option.textContent)).toEqual([
      'TechCorp Enterprise',
      'StartupCo',
    ]);
    fireEvent.change(select, { target: { value: 'startupco' } });
    expect(onSelect).toHaveBeenCalledWith('startupco');
  });

  it('keeps an organization opened by id (a super admin’s) in the choice', () => {
    render(<OrgSwitcher current="acme" organizations={orgs} onSelect={() => undefined} />);
    expect(screen.getAllByRole('option').map((option) => option.getAttribute('value'))).toEqual([
      'acme',
      'techcorp',
      'startupco',
    ]);
  });
});
