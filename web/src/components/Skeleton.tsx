import './Skeleton.css';

/** A placeholder the size of what is loading; assistive technology reads the label instead. */
export function Skeleton({ lines = 1, label }: { lines?: number; label?: string }) {
  return (
    <div className="skeleton">
      <span className="visually-hidden">{label ?? 'Loading'}</span>
      {Array.from({ length: lines }, (_, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the lines are identical and never reorder
        <span key={index} className="skeleton__line" aria-hidden="true" />
      ))}
    </div>
  );
}
