// `node scripts/idp/main.ts --config <file>`: the development OpenID provider of the local stack
// (scripts/stack/idp.ts starts it). Never part of the production image.
import { parseArgs } from 'node:util';
import { ISSUERS, issuerUrl, loadConfig } from './config.ts';
import { log } from './log.ts';
import { createIdpServer } from './server.ts';

const { values } = parseArgs({ options: { config: { type: 'string' } } });
if (!values.config) {
  console.error('usage: main.ts --config <json file>');
  process.exit(2);
}
const config = loadConfig(values.config);
const server = createIdpServer(config);
server.listen(config.port, '127.0.0.1', () => {
  log(`listening; issuers ${ISSUERS.map((name) => issuerUrl(config.port, name)).join(' ')}`);
});

function stop(signal: string): void {
  log(`${signal}: stopping`);
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  // A browser may hold a keep-alive connection open; it must not hold up the stack's shutdown.
  setTimeout(() => server.closeAllConnections(), 3000).unref();
}
process.once('SIGTERM', () => stop('SIGTERM'));
process.once('SIGINT', () => stop('SIGINT'));
