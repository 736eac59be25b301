import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/**
 * GET /metrics (Prometheus) on a port of its own (METRICS_PORT), so the API's public port never
 * serves it: what the metrics say (routes, volumes, refusals) is for the operators of the
 * installation, and their scraper reaches this port alone. Anything else here is 404.
 */
export async function serveMetrics(registry: Registry, port: number, host: string): Promise<Server> {
  const server = createServer((request, response) => {
    const reply = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      response.writeHead(status, { 'content-type': type });
      response.end(body);
    };
    const path = new URL(request.url ?? '/', 'http://metrics').pathname;
    if (path !== '/metrics') return reply(404, 'not found');
    if (request.method !== 'GET' && request.method !== 'HEAD') return reply(405, 'method not allowed');
    registry.metrics().then(
      (text) => reply(200, text, registry.contentType),
      () => reply(500, 'metrics unavailable'),
    );
  });
  await new Promise<void>((listening, failed) => {
    server.once('error', failed);
    server.listen(port, host, listening);
  });
  return server;
}

/** The port a server listens on (the one chosen, when asked for 0). */
export const portOf = (server: Server) => (server.address() as AddressInfo).port;
