import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A small TCP proxy standing in for a Kubernetes Service: it spreads new connections over its
 * backends (loopback ports) round-robin. A backend removed gets no new connection; the ones it
 * holds carry on until either side closes them, as with a Service whose endpoint went away.
 */
export class TcpProxy {
  private server: Server | undefined;
  private backends: number[] = [];
  private next = 0;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((client) => {
      const port = this.backends[this.next++ % Math.max(1, this.backends.length)];
      if (port === undefined) return client.destroy();
      const upstream = connect(port, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((done) => this.server?.listen(0, '127.0.0.1', done));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  /** The ports new connections go to. */
  setBackends(ports: number[]): void {
    this.backends = [...ports];
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
  }
}
