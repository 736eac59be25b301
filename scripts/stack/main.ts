// `node scripts/stack/main.ts up|down|status [--dir .stack] [--test]`
import { parseArgs } from 'node:util';
import { down, up } from './index.ts';
import { Stack } from './stack.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { dir: { type: 'string', default: '.stack' }, test: { type: 'boolean', default: false } },
});
const stack = new Stack(values.dir, values.test);
const command = positionals[0];
try {
  if (command === 'up') await up(stack);
  else if (command === 'down') {
    await down(stack);
    console.log(`[stack] stopped ${stack.dir}`);
  } else if (command === 'status') {
    for (const name of stack.recorded()) console.log(`${name}\t${stack.pid(name) ?? 'stopped'}`);
  } else {
    console.error('usage: main.ts up|down|status [--dir DIR] [--test]');
    process.exitCode = 2;
  }
} catch {
  // `up` has said what failed and stopped what it started.
  process.exitCode = 1;
}
