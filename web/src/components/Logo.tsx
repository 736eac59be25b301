import './Logo.css';

/** Guardian's mark and name; white-label (a later issue) restyles it through the theme. */
export function Logo({ compact = false }: { compact?: boolean }) {
  return (
    <span className="logo">
      <svg className="logo__mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
        <path
          className="logo__shield"
          d="M16 2 4 6.5v8.6c0 7.4 5.1 13.6 12 14.9 6.9-1.3 12-7.5 12-14.9V6.5L16 2Z"
        />
        <path className="logo__check" d="m14.2 19.6-4-4 1.8-1.8 2.2 2.2 5.8-5.8 1.8 1.8-7.6 7.6Z" />
      </svg>
      <span className={compact ? 'logo__name logo__name--compact' : 'logo__name'}>Guardian</span>
    </span>
  );
}
