import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from 'nats';
import { acquireNats, createTestScope, type ServerHandle } from '@switchboard/testkit';
import { busNamesFor } from './testing.js';
import { IngestStartError, startIngestServices, type IngestRuntime, type IngestServiceDefinition } from './service-group.js';

/** A service that records what it was given and when it was closed. */
function fake(service: string, portEnv: string, events: string[], options: { failStart?: Error; failClose?: Error } = {}) {
  const seen: { runtime?: IngestRuntime<'http'>; busOpenAtClose?: boolean } = {};
  const definition: IngestServiceDefinition<'http'> = {
    service,
    ports: { http: { env: portEnv, default: 0 } },
    async start(runtime) {
      events.push(`start ${service}`);
      seen.runtime = runtime;
      if (options.failStart) throw options.failStart;
      return {
        async close() {
          seen.busOpenAtClose = !runtime.bus.nc.isClosed();
          events.push(`close ${service}`);
          if (options.failClose) throw options.failClose;
        },
      };
    },
  };
  return { definition, seen };
}

/** Log lines written to one destination, parsed. */
function capture() {
  const lines: { service: string; msg: string; ports?: unknown }[] = [];
  const destination = new Writable({ write(chunk: Buffer, _encoding, done) { for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l)); done(); } });
  return { lines, destination };
}

describe('startIngestServices', () => {
  let server: ServerHandle;
  let nc: NatsConnection;
  beforeAll(async () => {
    server = await acquireNats();
    nc = await connect({ servers: server.url });
  });
  afterAll(async () => { await nc?.close(); });

  const setup = (label: string) => {
    const scope = createTestScope(label);
    const names = busNamesFor(scope);
    const cleanup = async () => { for (const s of [names.contactsStream, names.routingStream, names.deadLetterStream]) await (await nc.jetstreamManager()).streams.delete(s).catch(() => undefined); };
    return { names, cleanup, env: { NATS_URL: server.url, SWITCHBOARD_DOMAIN: scope.domain, LOG_LEVEL: 'info' } as NodeJS.ProcessEnv };
  };

  it('starts every service on one bus with its own ports and logger; close stops them all, then drains the bus', async () => {
    const { names, cleanup, env } = setup('group');
    const events: string[] = [];
    const a = fake('ingest-a', 'A_PORT', events);
    const b = fake('ingest-b', 'B_PORT', events);
    const { lines, destination } = capture();
    try {
      const running = await startIngestServices({ processName: 'ingest-both', services: [a.definition, b.definition], env: { ...env, A_PORT: '7001', B_PORT: '7002' }, names, destination });
      expect(a.seen.runtime!.config.ports).toEqual({ http: 7001 });
      expect(b.seen.runtime!.config.ports).toEqual({ http: 7002 });
      expect(a.seen.runtime!.bus).toBe(b.seen.runtime!.bus);
      expect(a.seen.runtime!.publisher).toBe(b.seen.runtime!.publisher);
      expect(await running.bus.ready()).toBe(true); // the streams were ensured under the given names
      expect(lines.filter((l) => l.msg === 'service started').map((l) => [l.service, l.ports])).toEqual([['ingest-a', { http: 7001 }], ['ingest-b', { http: 7002 }]]);
      expect(lines.at(-1)).toMatchObject({ service: 'ingest-both', msg: 'ingestion services started in one process' });
      await running.close();
      expect(events.slice(2).sort()).toEqual(['close ingest-a', 'close ingest-b']);
      expect([a.seen.busOpenAtClose, b.seen.busOpenAtClose]).toEqual([true, true]);
      expect(running.bus.nc.isClosed()).toBe(true);
    } finally {
      await cleanup();
    }
  });

  it('a service that cannot start: IngestStartError naming it, once the started ones are closed and the bus drained', async () => {
    const { names, cleanup, env } = setup('fail');
    const events: string[] = [];
    const a = fake('ingest-a', 'A_PORT', events);
    const b = fake('ingest-b', 'B_PORT', events, { failStart: new Error('listen EADDRINUSE 127.0.0.1:7002') });
    const { lines, destination } = capture();
    try {
      const error = await startIngestServices({ processName: 'ingest-both', services: [a.definition, b.definition], env, names, destination }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IngestStartError);
      expect(error).toMatchObject({ service: 'ingest-b', code: 'INGEST.START', message: 'ingest-b failed to start: listen EADDRINUSE 127.0.0.1:7002' });
      expect(events).toContain('close ingest-a');
      expect(events).not.toContain('close ingest-b');
      expect(a.seen.runtime!.bus.nc.isClosed()).toBe(true);
      expect(lines).toContainEqual(expect.objectContaining({ service: 'ingest-b', msg: 'service failed to start' }));
      expect(lines.map((l) => l.msg)).not.toContain('ingestion services started in one process');
    } finally {
      await cleanup();
    }
  });

  it('refuses two services on one port, and a bad port, before connecting or starting anything', async () => {
    const { names, env } = setup('ports');
    const events: string[] = [];
    const a = fake('ingest-a', 'A_PORT', events);
    const b = fake('ingest-b', 'B_PORT', events);
    const run = (extra: NodeJS.ProcessEnv) => startIngestServices({ processName: 'p', services: [a.definition, b.definition], env: { ...env, NATS_URL: 'nats://127.0.0.1:1', ...extra }, names, destination: capture().destination });
    await expect(run({ A_PORT: '7001', B_PORT: '7001' })).rejects.toThrow('ingest-b failed to start: B_PORT and A_PORT are both 7001: one process cannot listen twice on a port');
    await expect(run({ A_PORT: '7001', B_PORT: 'http' })).rejects.toThrow('ingest-b failed to start: B_PORT="http" is not a port number');
    await expect(startIngestServices({ processName: 'p', services: [], env, names })).rejects.toThrow('p: no ingestion service to start');
    expect(events).toEqual([]);
  });

  it('close names the services that did not stop cleanly, after draining the bus anyway', async () => {
    const { names, cleanup, env } = setup('stop');
    const events: string[] = [];
    const a = fake('ingest-a', 'A_PORT', events, { failClose: new Error('stuck') });
    const b = fake('ingest-b', 'B_PORT', events);
    try {
      const running = await startIngestServices({ processName: 'p', services: [a.definition, b.definition], env, names, destination: capture().destination });
      await expect(running.close()).rejects.toThrow('ingest-a did not stop cleanly');
      expect(events).toContain('close ingest-b');
      expect(running.bus.nc.isClosed()).toBe(true);
    } finally {
      await cleanup();
    }
  });
});
