// What the CLI prints: data on stdout (a table for people, JSON with --output json), progress and
// errors on stderr; colours only where the stream is a TTY (styleText checks, and honours NO_COLOR).
import { stripVTControlCharacters, styleText } from 'node:util';

export type OutputFormat = 'table' | 'json';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json'];

type Style = Parameters<typeof styleText>[0];

export function paint(style: Style, text: string, stream: NodeJS.WriteStream = process.stdout): string {
  return styleText(style, text, { stream });
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Rows under a header, columns padded to their widest cell (the colour codes excluded). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const visible = (cell: string) => stripVTControlCharacters(cell).length;
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => visible(row[column] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : cell + ' '.repeat((widths[column] ?? 0) - visible(cell)),
      )
      .join('  ')
      .trimEnd();
  return [paint('bold', line(header)), ...rows.map(line)].join('\n');
}

export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  process.stdout.write(rows.length === 0 ? '(none)\n' : `${table(header, rows)}\n`);
}

/** A progress line on stderr: redrawn in place on a TTY, one line per change elsewhere (CI logs). */
export function progress(stream: NodeJS.WriteStream = process.stderr): {
  update(text: string): void;
  done(): void;
} {
  const frames = ['|', '/', '-', '\\'];
  let frame = 0;
  let last = '';
  return {
    update(text) {
      if (stream.isTTY) {
        stream.write(`\r\u001b[2K${frames[frame++ % frames.length]} ${text}`);
      } else if (text !== last) {
        stream.write(`${text}\n`);
      }
      last = text;
    },
    done() {
      if (stream.isTTY && last) stream.write('\r\u001b[2K');
    },
  };
}
