/**
 * The markdown the chat answers in (platform/src/chat/answers.ts), read into blocks the console
 * renders as React elements: paragraphs, bullet lists, **strong** and `code`. Anything else stays
 * text, and nothing becomes HTML, so an answer that quotes a resource's name can inject nothing.
 */
export type Inline = { type: 'text' | 'strong' | 'code'; text: string };
export type Block = { type: 'paragraph'; lines: Inline[][] } | { type: 'list'; items: Inline[][] };

const INLINE = /\*\*([^*]+)\*\*|`([^`]+)`/g;

export function parseInline(text: string): Inline[] {
  const parts: Inline[] = [];
  let at = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > at) parts.push({ type: 'text', text: text.slice(at, match.index) });
    parts.push(
      match[1] !== undefined ? { type: 'strong', text: match[1] } : { type: 'code', text: match[2] ?? '' },
    );
    at = match.index + match[0].length;
  }
  if (at < text.length) parts.push({ type: 'text', text: text.slice(at) });
  return parts;
}

export function parseMarkdown(source: string): Block[] {
  const blocks: Block[] = [];
  for (const line of source.replace(/\r\n?/g, '\n').split('\n')) {
    const last = blocks.at(-1);
    const item = /^\s*[-*] (.*)$/.exec(line);
    if (line.trim() === '') blocks.push({ type: 'paragraph', lines: [] });
    else if (item) {
      const inline = parseInline(item[1] ?? '');
      if (last?.type === 'list') last.items.push(inline);
      else blocks.push({ type: 'list', items: [inline] });
    } else if (last?.type === 'paragraph') last.lines.push(parseInline(line));
    else blocks.push({ type: 'paragraph', lines: [parseInline(line)] });
  }
  return blocks.filter((block) => block.type === 'list' || block.lines.length > 0);
}
