// A webhook receiver as a customer would write one: it verifies each message with the
// `standardwebhooks` verifier and keeps what it accepted, in arrival order. It can go down
// (connections refused) and come back on the same port.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

export class WebhookReceiver {
  /** Messages whose signature verified, in arrival order. */
  readonly accepted: Received[] = [];
  /** Messages refused for a bad or missing signature. */
  rejected = 0;
  /** TCP connections made to it, whatever came of them. */
  connections = 0;
  /** Whether it keeps each verified request open without answering (a delivery in flight). */
  hang = false;
  /** The endpoint's signing secret, once the platform has shown it. */
  secret: string | undefined;
  private server: Server | undefined;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          if (!this.secret) throw new Error('no secret yet');
          const message = new Webhook(this.secret).verify(body, req.headers as Record<string, string>) as {
            type: string;
            data: Record<string, unknown>;
          };
          this.accepted.push({
            id: String(req.headers['webhook-id']),
            type: message.type,
            data: message.data,
          });
          if (!this.hang) res.writeHead(204).end();
        } catch {
          this.rejected++;
          res.writeHead(400).end();
        }
      });
    });
    server.on('connection', () => this.connections++);
    await new Promise<void>((listening) => server.listen(this.port, '127.0.0.1', listening));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Goes down: the port refuses connections until start() again. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((done) => server.close(() => done()));
    server.closeAllConnections();
    await closed;
  }
}
