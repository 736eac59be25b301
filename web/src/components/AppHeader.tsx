import type { ReactNode } from 'react';
import { Button } from './Button.tsx';
import { Icon } from './Icon.tsx';
import './AppHeader.css';

/** The console's bar: the product, the organization switcher, who is signed in and the way out. */
export function AppHeader({
  home,
  switcher,
  user,
  onSignOut,
}: {
  /** The product's mark, linking to the start page. */
  home: ReactNode;
  switcher: ReactNode;
  user: string | undefined;
  onSignOut: () => void;
}) {
  return (
    <header className="app-header">
      <div className="app-header__inner">
        {home}
        <span className="app-header__divider" aria-hidden="true" />
        <div className="app-header__org">{switcher}</div>
        <div className="app-header__user">
          {user ? <span className="app-header__email">{user}</span> : null}
          <Button variant="ghost" onClick={onSignOut}>
            <Icon name="logout" />
            Sign out
          </Button>
        </div>
      </div>
    </header>
  );
}
