// `make dev`: the development stack, then Guardian's own processes in the foreground with their
// logs prefixed, until Ctrl-C; then it stops what it started (a stack that was already up stays).
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { down, up } from './stack/index.ts';
import { Stack } from './stack/stack.ts';

interface Service {
  name: string;
  args: string[];
}

// Guardian's processes, one line each; they get the stack's environment.
const services: Service[] = [];

const stack = new Stack('.stack', false);
let env: Record<string, string>;
try {
  env = await up(stack);
} catch {
  process.exit(1);
}

const withoutPassword = (url: string) => url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
console.log(`
Guardian development stack is up (credentials in ${stack.path('env')}: \`source .stack/env\`)
  Platform database  ${withoutPassword(env.DATABASE_URL ?? '')}
  Tenant servers     ${(env.TENANT_DB_SERVERS ?? '').split(',').map(withoutPassword).join('\n                     ')}
  Redis              ${withoutPassword(env.REDIS_URL ?? '')}
Press Ctrl-C to stop.
`);

const children: ChildProcess[] = services.map((service) => {
  const child = spawn(process.execPath, service.args, { env: { ...process.env, ...env }, stdio: 'pipe' });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream)
      createInterface({ input: stream }).on('line', (line) => console.log(`[${service.name}] ${line}`));
  }
  child.on('exit', (code, signal) => console.log(`[${service.name}] exited (${signal ?? code})`));
  return child;
});

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping...');
  for (const child of children) child.kill('SIGTERM');
  await down(stack, stack.started);
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// Keep the event loop alive while nothing else does.
setInterval(() => {}, 1 << 30);
