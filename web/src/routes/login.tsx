import { useSearch } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/errors.ts';
import { checkQueryParameter } from '../api/rules.ts';
import { loginUrl } from '../api/session.ts';
import { Button } from '../components/Button.tsx';
import { Logo } from '../components/Logo.tsx';
import { TextField } from '../components/TextField.tsx';
import { consoleNext, orgOf } from './login-href.ts';
import { useTitle } from './title.ts';
import './login.css';

/** What to say beside the field when the API refuses the organization (problem+json). */
function refusal(error: ApiError, org: string): string {
  if (error.kind === 'not-found')
    return `There is no organization “${org}”. Check its ID with your administrator.`;
  const field = error.problem?.errors?.find((entry) => entry.field === 'org');
  return field ? `The organization ID ${field.message}.` : (error.problem?.detail ?? error.message);
}

/** The same rules the API states for `org` (generated from its OpenAPI document). */
export function organizationError(org: string): string | undefined {
  switch (checkQueryParameter('GET /auth/login', 'org', org)) {
    case 'too-long':
      return 'An organization ID has at most 30 characters.';
    case 'pattern':
    case 'too-short':
      return 'Use the organization’s ID: lowercase letters, digits and hyphens, like techcorp.';
    default:
      return undefined;
  }
}

/**
 * Sign in: through the platform's OIDC login (code + PKCE) at the organization's identity
 * provider, or this Guardian's own when no organization is given; then back to the console.
 */
export function LoginPage() {
  const search = useSearch({ from: '/login' });
  const next = consoleNext(search.next);
  const [org, setOrg] = useState(search.org ?? orgOf(next) ?? '');
  const [fieldError, setFieldError] = useState<string>();
  const [banner, setBanner] = useState<string>();
  const [busy, setBusy] = useState(false);
  useTitle('Sign in');

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = org.trim().toLowerCase();
    const invalid = value === '' ? undefined : organizationError(value);
    setFieldError(invalid);
    setBanner(undefined);
    if (invalid) return;
    const url = loginUrl(value || undefined, next ?? (value ? `/o/${value}` : '/'));
    setBusy(true);
    try {
      // Asked first without following, so that a refusal (no such organization, suspended, no
      // SSO on its plan) is told here, beside the field, rather than as a page of JSON.
      const response = await fetch(url, { redirect: 'manual', headers: { accept: 'application/json' } });
      if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
        // A navigation, not a form post: the identity provider is another origin (form-action 'self').
        window.location.assign(url);
        return;
      }
      setFieldError(
        refusal(ApiError.fromResponse(response, await response.json().catch(() => undefined)), value),
      );
    } catch {
      setBanner('Guardian could not be reached. Check your network connection, then try again.');
    }
    setBusy(false);
  }

  return (
    <main className="page page--centered">
      <div className="signin">
        <Logo />
        <div className="signin__card">
          <div className="signin__heading">
            <h1>Sign in to Guardian</h1>
            <p className="signin__lead">Use your organization’s single sign-on.</p>
          </div>
          {search.reason === 'signed-out' ? <p className="signin__notice">You have signed out.</p> : null}
          {banner ? (
            <p className="signin__banner" role="alert">
              {banner}
            </p>
          ) : null}
          <form className="signin__form" noValidate onSubmit={submit}>
            <TextField
              label="Organization"
              name="org"
              value={org}
              onChange={(event) => setOrg(event.target.value)}
              placeholder="e.g. techcorp"
              autoCapitalize="none"
              autoCorrect="off"
              spellCheck={false}
              hint="Your organization’s ID. Leave it empty to use this Guardian’s own sign-in."
              error={fieldError}
            />
            <Button type="submit" variant="primary" wide disabled={busy}>
              {busy ? 'Redirecting…' : 'Sign in with SSO'}
            </Button>
          </form>
        </div>
        <p className="signin__footnote">
          You sign in at your identity provider; Guardian never sees your password.
        </p>
      </div>
    </main>
  );
}
