import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeGenericClientConstructor, Server, status, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import { generateTestCa, type TestCa } from '@switchboard/testkit';
import { bindGrpc } from './server.js';
import { grpcChannelCredentials, grpcServerCredentials } from './tls.js';

// A one-method service without proto files: bytes in, bytes out.
const identity = (b: Buffer) => b;
const PING = { ping: { path: '/test.Tls/Ping', requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity } };
const PingClient = makeGenericClientConstructor(PING, 'Tls');

async function startServer(env: NodeJS.ProcessEnv): Promise<{ server: Server; port: number }> {
  const server = new Server();
  server.addService(PING, { ping: (_call: unknown, done: (e: null, b: Buffer) => void) => done(null, Buffer.from('pong')) });
  return { server, port: await bindGrpc(server, '127.0.0.1', 0, grpcServerCredentials(env)) };
}

function ping(port: number, credentials: ChannelCredentials): Promise<string> {
  const client = new PingClient(`localhost:${port}`, credentials);
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(PING.ping.path, identity, identity, Buffer.from('ping'), { deadline: Date.now() + 3_000 }, (error: ServiceError | null, reply?: Buffer) => {
      client.close();
      if (error) reject(error);
      else resolve(reply!.toString());
    });
  });
}

describe('gRPC TLS with a generated CA', () => {
  let ca: TestCa;
  let tls: { server: Server; port: number };
  let mutual: { server: Server; port: number };
  beforeAll(async () => {
    ca = generateTestCa();
    const cert = ca.issue('grpc');
    tls = await startServer({ GRPC_TLS_CERT: cert.certFile, GRPC_TLS_KEY: cert.keyFile });
    mutual = await startServer({ GRPC_TLS_CERT: cert.certFile, GRPC_TLS_KEY: cert.keyFile, GRPC_TLS_CLIENT_CA: ca.caFile });
  });
  afterAll(() => {
    tls.server.forceShutdown();
    mutual.server.forceShutdown();
    ca.cleanup();
  });

  it('serves a client that trusts the CA (GRPC_TLS_CA)', async () => {
    expect(await ping(tls.port, grpcChannelCredentials({ GRPC_TLS_CA: ca.caFile }))).toBe('pong');
  });

  it('is refused by a plaintext client and by one that does not trust the CA', async () => {
    await expect(ping(tls.port, grpcChannelCredentials({}))).rejects.toMatchObject({ code: status.UNAVAILABLE });
    await expect(ping(tls.port, grpcChannelCredentials({ GRPC_TLS: '1' }))).rejects.toMatchObject({ code: status.UNAVAILABLE });
  });

  it('with GRPC_TLS_CLIENT_CA, serves only clients with a certificate from that CA (mutual TLS)', async () => {
    const client = ca.issue('desk');
    await expect(ping(mutual.port, grpcChannelCredentials({ GRPC_TLS_CA: ca.caFile }))).rejects.toMatchObject({ code: status.UNAVAILABLE });
    const other = generateTestCa();
    try {
      const stranger = other.issue('stranger');
      await expect(ping(mutual.port, grpcChannelCredentials({ GRPC_TLS_CA: ca.caFile, GRPC_TLS_CLIENT_CERT: stranger.certFile, GRPC_TLS_CLIENT_KEY: stranger.keyFile })))
        .rejects.toMatchObject({ code: status.UNAVAILABLE });
    } finally {
      other.cleanup();
    }
    expect(await ping(mutual.port, grpcChannelCredentials({ GRPC_TLS_CA: ca.caFile, GRPC_TLS_CLIENT_CERT: client.certFile, GRPC_TLS_CLIENT_KEY: client.keyFile }))).toBe('pong');
  });

  it('refuses settings it cannot use, naming the variable', () => {
    expect(() => grpcServerCredentials({ GRPC_TLS_CERT: ca.caFile })).toThrow(/GRPC_TLS_CERT and GRPC_TLS_KEY go together/);
    expect(() => grpcServerCredentials({ GRPC_TLS_CLIENT_CA: ca.caFile })).toThrow(/GRPC_TLS_CLIENT_CA needs GRPC_TLS_CERT/);
    expect(() => grpcServerCredentials({ GRPC_TLS_CERT: '/nope', GRPC_TLS_KEY: '/nope' })).toThrow(/GRPC_TLS_CERT: cannot read \/nope/);
    expect(() => grpcChannelCredentials({ GRPC_TLS_CA: `${ca.dir}` })).toThrow(/GRPC_TLS_CA: cannot read/);
    expect(() => grpcChannelCredentials({ GRPC_TLS_CLIENT_KEY: ca.caFile })).toThrow(/GRPC_TLS_CLIENT_CERT and GRPC_TLS_CLIENT_KEY go together/);
  });
});
