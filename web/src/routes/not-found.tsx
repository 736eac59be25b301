import { Link } from '@tanstack/react-router';
import { buttonClass } from '../components/Button.tsx';
import { Logo } from '../components/Logo.tsx';
import { useTitle } from './title.ts';
import './login.css';

export function NotFoundPage() {
  useTitle('Page not found');
  return (
    <main className="page page--centered">
      <div className="signin">
        <Logo />
        <div className="signin__card">
          <h1>Page not found</h1>
          <p className="signin__lead">
            There is no page at this address. It may have moved, or the link is mistyped.
          </p>
          <Link className={buttonClass('primary', true)} to="/">
            Go to your organizations
          </Link>
        </div>
      </div>
    </main>
  );
}
