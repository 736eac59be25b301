// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, type ErrorKind } from '../api/errors.ts';
import { ErrorState } from './ErrorState.tsx';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

const error = (kind: ErrorKind, options: { retryAfter?: number; instance?: string } = {}) =>
  new ApiError(kind, 'refused', {
    retryAfter: options.retryAfter,
    problem: options.instance
      ? { type: 'about:blank', title: 'x', status: 500, detail: 'x', instance: options.instance }
      : undefined,
  });

describe('ErrorState', () => {
  it.each<[ErrorKind, string, string]>([
    ['unauthenticated', 'Your session has ended', 'Sign in again'],
    ['forbidden', 'You don’t have access to acme', 'Your organizations'],
    ['rate-limited', 'Too many requests for now', 'Try now'],
    ['network', 'Can’t reach Guardian', 'Try again'],
    ['not-found', 'There is no organization acme', 'Your organizations'],
    ['unavailable', 'Guardian is briefly unavailable', 'Try again'],
    ['server', 'Something went wrong on our side', 'Try again'],
  ])('says what a %s error means, and offers the way on', (kind, title, action) => {
    render(
      <ErrorState error={error(kind)} org="acme" onRetry={() => undefined} signInHref="/login?org=acme" />,
    );
    expect(screen.getByRole('alert')).toBeTruthy();
    expect(screen.getByRole('heading', { name: title })).toBeTruthy();
    expect(
      screen.getByRole(kind === 'unauthenticated' || action === 'Your organizations' ? 'link' : 'button', {
        name: action,
      }),
    ).toBeTruthy();
  });

  it('sends an ended session back to the sign-in for the same organization and page', () => {
    render(<ErrorState error={error('unauthenticated')} signInHref="/login?org=acme&next=%2Fo%2Facme" />);
    expect(screen.getByRole('link', { name: 'Sign in again' }).getAttribute('href')).toBe(
      '/login?org=acme&next=%2Fo%2Facme',
    );
    expect(screen.queryByRole('button', { name: /try/i })).toBeNull();
  });

  it('counts down Retry-After, then asks again by itself', () => {
    vi.useFakeTimers();
    const retry = vi.fn();
    render(<ErrorState error={error('rate-limited', { retryAfter: 3 })} org="acme" onRetry={retry} />);
    expect(screen.getByText(/Trying again in/).textContent).toBe('Trying again in 0:03');
    // One second at a time: each tick renders before the next timer is set.
    act(() => vi.advanceTimersByTime(1000));
    act(() => vi.advanceTimersByTime(1000));
    expect(screen.getByText(/Trying again in/).textContent).toBe('Trying again in 0:01');
    expect(retry).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(1000));
    expect(retry).toHaveBeenCalledTimes(1);
    expect(screen.queryByText(/Trying again in/)).toBeNull();
  });

  it('lets people retry at once, too', () => {
    const retry = vi.fn();
    render(<ErrorState error={error('network')} onRetry={retry} />);
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(retry).toHaveBeenCalledTimes(1);
  });

  it('shows the request id of a server error, for support', () => {
    render(<ErrorState error={error('server', { instance: 'urn:guardian:request:abc-123' })} />);
    expect(screen.getByText('abc-123')).toBeTruthy();
  });

  it('treats an error that is no API answer (a bug) as a server error', () => {
    render(<ErrorState error={new TypeError('x is undefined')} />);
    expect(screen.getByRole('heading', { name: 'Something went wrong on our side' })).toBeTruthy();
  });
});
