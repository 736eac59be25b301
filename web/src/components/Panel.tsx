import { type ReactNode, useId } from 'react';
import './Panel.css';

/** A titled section of a page: a card whose heading names it for assistive technology too. */
export function Panel({
  title,
  count,
  description,
  children,
}: {
  title: string;
  count?: number;
  description?: string;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section className="panel" aria-labelledby={id}>
      <header className="panel__header">
        <h2 id={id} className="panel__title">
          {title}
          {count === undefined ? null : <span className="panel__count">{count}</span>}
        </h2>
        {description ? <p className="panel__description">{description}</p> : null}
      </header>
      <div className="panel__body">{children}</div>
    </section>
  );
}
