import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown } from './markdown.ts';

describe('the chat’s markdown', () => {
  it('reads strong and code inside text', () => {
    expect(parseInline('Monthly total: **USD 412.00** for `api`.')).toEqual([
      { type: 'text', text: 'Monthly total: ' },
      { type: 'strong', text: 'USD 412.00' },
      { type: 'text', text: ' for ' },
      { type: 'code', text: 'api' },
      { type: 'text', text: '.' },
    ]);
    // Unclosed markers stay text.
    expect(parseInline('a ** b ` c')).toEqual([{ type: 'text', text: 'a ** b ` c' }]);
  });

  it('reads paragraphs split by blank lines, and lists of "- " lines', () => {
    const answer =
      '**Done** for staging.\n\nTop findings:\n- **high** Deployment `api`: no limits\n- … and 2 more\n\nNext: say "fix them".';
    expect(parseMarkdown(answer)).toEqual([
      {
        type: 'paragraph',
        lines: [
          [
            { type: 'strong', text: 'Done' },
            { type: 'text', text: ' for staging.' },
          ],
        ],
      },
      { type: 'paragraph', lines: [[{ type: 'text', text: 'Top findings:' }]] },
      {
        type: 'list',
        items: [
          [
            { type: 'strong', text: 'high' },
            { type: 'text', text: ' Deployment ' },
            { type: 'code', text: 'api' },
            { type: 'text', text: ': no limits' },
          ],
          [{ type: 'text', text: '… and 2 more' }],
        ],
      },
      { type: 'paragraph', lines: [[{ type: 'text', text: 'Next: say "fix them".' }]] },
    ]);
  });

  it('keeps HTML as text', () => {
    expect(parseMarkdown('<img src=x onerror=alert(1)>')).toEqual([
      { type: 'paragraph', lines: [[{ type: 'text', text: '<img src=x onerror=alert(1)>' }]] },
    ]);
  });
});
