import type { ReactNode } from 'react';
import './EmptyState.css';

/** Nothing to show yet, said plainly, with what would fill the space. */
export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="empty">
      <svg className="empty__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d="M4 7.5 12 3l8 4.5v9L12 21l-8-4.5v-9Z" />
        <path d="m4 7.5 8 4.5 8-4.5M12 12v9" />
      </svg>
      <p className="empty__title">{title}</p>
      <p className="empty__text">{children}</p>
      {action ? <div className="empty__action">{action}</div> : null}
    </div>
  );
}
