import { endpointsOf, portOf, type ServiceSpec } from './service-catalog.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** True when `GET url` answers 200 within a second. */
async function ok(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * Waits until every service with an HTTP readiness port (a combined process: each of its
 * members) answers `/readyz` 200, polling them
 * together; calls `report(name, false)` for any still not ready after `timeoutMs` (and goes on:
 * a dev mesh with one broken service is still worth looking at).
 */
export async function waitUntilReady(services: readonly ServiceSpec[], env: NodeJS.ProcessEnv, report: (name: string, ready: boolean) => void, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await Promise.all(endpointsOf(services).filter((s) => s.readyPort).map(async (service) => {
    const url = `http://127.0.0.1:${portOf(service, service.readyPort!, env)}/readyz`;
    while (!(await ok(url))) {
      if (Date.now() > deadline) return report(service.name, false);
      await sleep(250);
    }
    report(service.name, true);
  }));
}
