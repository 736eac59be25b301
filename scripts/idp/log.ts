/** One line per event on stdout, which the stack sends to `logs/idp.log`. */
export function log(message: string): void {
  console.log(`${new Date().toISOString()} [idp] ${message}`);
}
