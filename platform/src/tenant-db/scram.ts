import { createHash, createHmac, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const derive = promisify(pbkdf2);

/**
 * A SCRAM-SHA-256 verifier in Postgres's format. Sent as `PASSWORD '<verifier>'`, it lets
 * Postgres check logins without the password itself ever reaching the server or its logs. The key
 * derivation runs on libuv's thread pool, not the event loop.
 */
export async function scramVerifier(
  password: string,
  salt = randomBytes(16),
  iterations = 4096,
): Promise<string> {
  const salted = await derive(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
