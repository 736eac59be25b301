import { type ReactNode, useEffect, useState } from 'react';
import { ApiError, type ErrorKind } from '../api/errors.ts';
import { Button, buttonClass } from './Button.tsx';
import { Icon, type IconName } from './Icon.tsx';
import './ErrorState.css';

export interface ErrorStateProps {
  error: unknown;
  /** The organization the page is about, to name it. */
  org?: string;
  /** Asks again; a rate-limited page calls it itself once Retry-After has passed. */
  onRetry?: () => void;
  /** Where "Sign in again" goes. */
  signInHref?: string;
  /** Where "Your organizations" goes. */
  homeHref?: string;
}

interface Message {
  title: string;
  body: ReactNode;
  tone: 'warning' | 'danger' | 'neutral';
}

export function kindOf(error: unknown): ErrorKind {
  return error instanceof ApiError ? error.kind : 'server';
}

const ICONS: Record<ErrorKind, IconName> = {
  unauthenticated: 'lock',
  forbidden: 'lock',
  'not-found': 'search',
  'rate-limited': 'clock',
  invalid: 'alert',
  unavailable: 'clock',
  server: 'alert',
  network: 'offline',
};

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

function message(kind: ErrorKind, org: string | undefined, error: unknown): Message {
  const where = org ?? 'this organization';
  switch (kind) {
    case 'unauthenticated':
      return {
        tone: 'neutral',
        title: 'Your session has ended',
        body: 'Sessions end after a while, or when you sign out elsewhere. Sign in again to pick up where you left off.',
      };
    case 'forbidden':
      return {
        tone: 'warning',
        title: org ? `You don’t have access to ${org}` : 'You don’t have access to this',
        body: `Your account is not a member of ${where}, or your role there does not allow this. Ask one of its owners to invite you, or open one of your organizations.`,
      };
    case 'rate-limited':
      return {
        tone: 'warning',
        title: 'Too many requests for now',
        body: `${org ?? 'This organization'} has used the API calls its plan allows in an hour. Guardian tries again by itself as soon as it may.`,
      };
    case 'network':
      return {
        tone: 'danger',
        title: 'Can’t reach Guardian',
        body: 'Check your network connection or VPN, then try again. Nothing you did was lost.',
      };
    case 'not-found':
      return {
        tone: 'neutral',
        title: org ? `There is no organization ${org}` : 'Not found',
        body: 'It may have been deleted or renamed, or the link is mistyped.',
      };
    case 'unavailable':
      return {
        tone: 'warning',
        title: 'Guardian is briefly unavailable',
        body: 'A service it depends on is not answering. Try again in a moment.',
      };
    case 'invalid':
      return {
        tone: 'warning',
        title: 'That request was not accepted',
        body:
          error instanceof ApiError && error.problem
            ? error.problem.detail
            : 'Check the address and try again.',
      };
    default:
      return {
        tone: 'danger',
        title: 'Something went wrong on our side',
        body: 'Guardian hit an unexpected error. Try again; if it keeps happening, give your administrator the reference below.',
      };
  }
}

/** Seconds left until `retryAfter` has passed, counting down once a second; 0 calls `onDone`. */
function useCountdown(seconds: number | undefined, onDone: (() => void) | undefined): number | undefined {
  const [left, setLeft] = useState(seconds);
  useEffect(() => setLeft(seconds), [seconds]);
  useEffect(() => {
    if (left === undefined) return;
    if (left <= 0) {
      onDone?.();
      return;
    }
    const timer = setTimeout(() => setLeft(left - 1), 1000);
    return () => clearTimeout(timer);
  }, [left, onDone]);
  return left;
}

/** A designed message for a failed page: what happened, in words, and the way forward. */
export function ErrorState({ error, org, onRetry, signInHref = '/login', homeHref = '/' }: ErrorStateProps) {
  const kind = kindOf(error);
  const { title, body, tone } = message(kind, org, error);
  const retryAfter =
    kind === 'rate-limited' && error instanceof ApiError ? (error.retryAfter ?? 60) : undefined;
  const left = useCountdown(retryAfter, onRetry);
  const requestId = error instanceof ApiError ? error.requestId : undefined;

  return (
    <div className={`error-state error-state--${tone}`} role="alert">
      <span className="error-state__icon">
        <Icon name={ICONS[kind]} />
      </span>
      <h2 className="error-state__title">{title}</h2>
      <p className="error-state__body">{body}</p>
      {left !== undefined && left > 0 ? (
        <p className="error-state__wait">
          Trying again in <time dateTime={`PT${left}S`}>{clock(left)}</time>
        </p>
      ) : null}
      {kind === 'server' && requestId ? (
        <p className="error-state__reference">
          Reference <code>{requestId}</code>
        </p>
      ) : null}
      <div className="error-state__actions">
        {kind === 'unauthenticated' ? (
          <a className={buttonClass('primary')} href={signInHref}>
            Sign in again
          </a>
        ) : null}
        {kind === 'forbidden' || kind === 'not-found' ? (
          <a className={buttonClass('primary')} href={homeHref}>
            Your organizations
          </a>
        ) : null}
        {onRetry && kind !== 'unauthenticated' && kind !== 'forbidden' && kind !== 'not-found' ? (
          <Button variant={kind === 'rate-limited' ? 'secondary' : 'primary'} onClick={onRetry}>
            {kind === 'rate-limited' ? 'Try now' : 'Try again'}
          </Button>
        ) : null}
      </div>
    </div>
  );
}
