import './Avatar.css';

/** Up to two initials of a name or an email address. */
export function initials(name: string): string {
  const words = name
    .replace(/@.*$/, '')
    .split(/[\s._-]+/)
    .filter(Boolean);
  const letters =
    words.length > 1 ? `${words[0]?.[0] ?? ''}${words.at(-1)?.[0] ?? ''}` : (words[0] ?? '?').slice(0, 2);
  return letters.toUpperCase();
}

/** The same person always gets the same of the theme's four avatar colours. */
function tone(key: string): number {
  let hash = 0;
  for (const char of key) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return (hash % 4) + 1;
}

export function Avatar({ name }: { name: string }) {
  return (
    <span className={`avatar avatar--${tone(name)}`} aria-hidden="true">
      {initials(name)}
    </span>
  );
}
