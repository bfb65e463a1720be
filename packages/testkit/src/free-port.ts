import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Ports are drawn below the kernel's ephemeral range: a port the kernel picked for `listen(0)` is
 * one it may give the very next outgoing connection (a service's NATS or Redis client) as its local
 * port, and the service that was handed it then fails with EADDRINUSE. That happened in CI.
 */
const FALLBACK_EPHEMERAL_LOW = 32_768;
const LOWEST_PORT = 20_000;
/** Ports this process has handed out: never twice, even once their server has closed. */
const handedOut = new Set<number>();

function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > LOWEST_PORT + 1_000 ? low : FALLBACK_EPHEMERAL_LOW;
  } catch {
    return FALLBACK_EPHEMERAL_LOW;
  }
}

/** Resolves with `port` once a listen on 127.0.0.1:`port` succeeded and closed (0: the kernel's pick), else undefined. */
function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/** A free TCP port on 127.0.0.1 outside the ephemeral range, not handed out before by this process. */
export async function freePort(): Promise<number> {
  const low = LOWEST_PORT;
  const high = ephemeralLow();
  for (let attempt = 0; attempt < 200; attempt++) {
    const candidate = low + Math.floor(Math.random() * (high - low));
    if (handedOut.has(candidate)) continue;
    if ((await tryListen(candidate)) === candidate) {
      handedOut.add(candidate);
      return candidate;
    }
  }
  // The range is crowded: fall back to the kernel's pick, still never handing out one twice.
  for (;;) {
    const port = await tryListen(0);
    if (port === undefined) throw new Error('no free port');
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/** Resolves once something accepts TCP connections on host:port, or rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = 10_000, host = '127.0.0.1'): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host });
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => { socket.destroy(); resolve(false); });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
