import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent, request } from 'undici';
import { kubeConfig } from './kube.ts';

/**
 * A plain-HTTP proxy in front of the test apiserver that can break watches on demand: it ends
 * every open watch and answers the next watch request with the apiserver's own 410 Gone ERROR
 * event, exactly what a client sees when its resourceVersion has been compacted away. It records
 * the URL of every request, so that tests can count them.
 */
export class WatchBreakingProxy {
  private server: Server | undefined;
  private readonly watches = new Set<ServerResponse>();
  private goneOnNextWatch = false;
  /** Every request's URL (path and query), in order. */
  readonly requests: URL[] = [];
  private readonly agent: Agent;
  private readonly upstream: string;
  port = 0;

  constructor() {
    const config = kubeConfig();
    const cluster = config.getCurrentCluster();
    const user = config.getCurrentUser();
    if (!cluster || !user) throw new Error('no current cluster/user');
    const pem = (data?: string, file?: string) =>
      data ? Buffer.from(data, 'base64') : file ? readFileSync(file) : undefined;
    this.upstream = cluster.server;
    this.agent = new Agent({
      connect: {
        ca: pem(cluster.caData, cluster.caFile),
        cert: pem(user.certData, user.certFile),
        key: pem(user.keyData, user.keyFile),
      },
    });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.forward(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return `http://127.0.0.1:${this.port}`;
  }

  /** Ends the open watches; the next watch request gets 410 Gone. */
  breakWatchesWithGone(): void {
    this.goneOnNextWatch = true;
    for (const response of this.watches) response.end();
    this.watches.clear();
  }

  async stop(): Promise<void> {
    for (const response of this.watches) response.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await this.agent.close();
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://proxy');
    this.requests.push(url);
    const isWatch = url.searchParams.get('watch') === 'true';
    if (isWatch && this.goneOnNextWatch) {
      this.goneOnNextWatch = false;
      res.writeHead(200, { 'content-type': 'application/json' });
      const status = {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message: 'too old resource version',
        reason: 'Expired',
        code: 410,
      };
      res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        ([name]) => !['host', 'connection', 'content-length'].includes(name),
      ),
    ) as Record<string, string>;
    try {
      const upstream = await request(`${this.upstream}${req.url}`, {
        method: req.method as 'GET',
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
        dispatcher: this.agent,
      });
      res.writeHead(upstream.statusCode, {
        'content-type': String(upstream.headers['content-type'] ?? 'application/json'),
      });
      if (isWatch) this.watches.add(res);
      res.on('close', () => {
        this.watches.delete(res);
        upstream.body.destroy();
      });
      for await (const chunk of upstream.body) res.write(chunk);
      res.end();
    } catch {
      res.destroy();
    }
  }
}
