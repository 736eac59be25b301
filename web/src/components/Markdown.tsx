import { Fragment } from 'react';
import { type Inline, parseMarkdown } from './markdown.ts';
import './Markdown.css';

function Line({ parts }: { parts: Inline[] }) {
  return parts.map((part, index) =>
    part.type === 'strong' ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: an answer never changes once shown, so positions are stable keys
      <strong key={index}>{part.text}</strong>
    ) : part.type === 'code' ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: an answer never changes once shown, so positions are stable keys
      <code key={index}>{part.text}</code>
    ) : (
      // biome-ignore lint/suspicious/noArrayIndexKey: an answer never changes once shown, so positions are stable keys
      <Fragment key={index}>{part.text}</Fragment>
    ),
  );
}

/** A chat answer's markdown as elements (never as HTML). */
export function Markdown({ source }: { source: string }) {
  return (
    <div className="markdown">
      {parseMarkdown(source).map((block, index) =>
        block.type === 'list' ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: an answer never changes once shown, so positions are stable keys
          <ul key={index}>
            {block.items.map((item, at) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: an answer never changes once shown, so positions are stable keys
              <li key={at}>
                <Line parts={item} />
              </li>
            ))}
          </ul>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: an answer never changes once shown, so positions are stable keys
          <p key={index}>
            {block.lines.map((line, at) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: an answer never changes once shown, so positions are stable keys
              <Fragment key={at}>
                {at > 0 ? <br /> : null}
                <Line parts={line} />
              </Fragment>
            ))}
          </p>
        ),
      )}
    </div>
  );
}
