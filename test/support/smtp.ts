// A real SMTP server on loopback (smtp-server), so invitation mail goes over the wire as in
// production and tests read what was delivered.
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../scripts/stack/process.ts';
import { eventually } from './kube.ts';

export interface Delivered {
  to: string[];
  raw: string;
  /** The message body with quoted-printable soft breaks and escapes undone. */
  text: string;
}

export interface TestSmtp {
  url: string;
  messages: Delivered[];
  /** Waits for the next message to `to` that arrived after `since` messages. */
  waitFor(to: string, since?: number): Promise<Delivered>;
  stop(): Promise<void>;
}

const decodeQuotedPrintable = (body: string) =>
  body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

export async function startSmtp(): Promise<TestSmtp> {
  const messages: Delivered[] = [];
  const server = new SMTPServer({
    // Plain SMTP on loopback: no certificate to trust, no credentials to configure.
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push({
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
          raw,
          text: decodeQuotedPrintable(raw),
        });
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((listening) => server.listen(port, '127.0.0.1', listening));
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitFor: (to, since = 0) =>
      eventually(
        `mail to ${to}`,
        async () => messages.slice(since).find((m) => m.to.includes(to.toLowerCase())),
        10_000,
      ),
    stop: () => new Promise<void>((closed) => server.close(() => closed())),
  };
}

/** The invitation link in a delivered message. */
export function invitationLink(message: Delivered): string {
  const link = /https?:\/\/\S+\/auth\/login\?invitation=[A-Za-z0-9._%-]+/.exec(message.text)?.[0];
  if (!link) throw new Error(`no invitation link in:\n${message.text}`);
  return link;
}
