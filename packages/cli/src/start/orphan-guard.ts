import { spawn } from 'node:child_process';

/**
 * `node orphan-guard.ts <binary> [args…]`: runs the binary (nats-server, redis-server) the
 * launcher starts itself, for what `parent-watch.ts` does for services: spawned with an IPC
 * channel, it stops the binary with SIGTERM when the channel closes, which it does when the
 * launcher dies, even by SIGKILL. SIGINT and SIGTERM are passed on; it exits as the binary did.
 */
const [binary, ...args] = process.argv.slice(2);
if (binary === undefined) {
  process.stderr.write('usage: orphan-guard <binary> [args…]\n');
  process.exit(2);
}
const child = spawn(binary, args, { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
process.channel?.unref();
process.once('disconnect', () => child.kill('SIGTERM'));
child.once('error', (error) => {
  process.stderr.write(`orphan-guard: cannot start ${binary}: ${error.message}\n`);
  process.exit(127);
});
child.once('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
