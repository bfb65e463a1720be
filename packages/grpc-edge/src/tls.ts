import { readFileSync } from 'node:fs';
import { ChannelCredentials, ServerCredentials } from '@grpc/grpc-js';

/** A gRPC TLS setting that cannot be used; the message names the variable. */
export class GrpcTlsConfigError extends Error {
  override readonly name = 'GrpcTlsConfigError';
}

function pem(env: NodeJS.ProcessEnv, name: string): Buffer {
  const path = env[name]!;
  let text: Buffer;
  try {
    text = readFileSync(path);
  } catch (error) {
    throw new GrpcTlsConfigError(`${name}: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (!text.includes('-----BEGIN')) throw new GrpcTlsConfigError(`${name} ${path} is not a PEM file`);
  return text;
}

function pair(env: NodeJS.ProcessEnv, cert: string, key: string): { cert: Buffer; key: Buffer } | undefined {
  if (!env[cert] && !env[key]) return undefined;
  if (!env[cert] || !env[key]) throw new GrpcTlsConfigError(`${cert} and ${key} go together (a certificate needs its key)`);
  return { cert: pem(env, cert), key: pem(env, key) };
}

/**
 * How a gRPC server listens: TLS with `GRPC_TLS_CERT` and `GRPC_TLS_KEY` (PEM files), and mutual
 * TLS when `GRPC_TLS_CLIENT_CA` is set too (clients must show a certificate from that CA).
 * Plaintext when none is set: TLS then ends at the mesh's edge proxy.
 * @throws GrpcTlsConfigError for half a pair, an unreadable or non-PEM file, or a client CA without a server certificate.
 */
export function grpcServerCredentials(env: NodeJS.ProcessEnv = process.env): ServerCredentials {
  const server = pair(env, 'GRPC_TLS_CERT', 'GRPC_TLS_KEY');
  if (!server) {
    if (env.GRPC_TLS_CLIENT_CA) throw new GrpcTlsConfigError('GRPC_TLS_CLIENT_CA needs GRPC_TLS_CERT and GRPC_TLS_KEY (mutual TLS is TLS first)');
    return ServerCredentials.createInsecure();
  }
  const clientCa = env.GRPC_TLS_CLIENT_CA ? pem(env, 'GRPC_TLS_CLIENT_CA') : null;
  return ServerCredentials.createSsl(clientCa, [{ cert_chain: server.cert, private_key: server.key }], clientCa !== null);
}

/**
 * How a gRPC client (CLI, bench, desks) reaches a server: TLS when `GRPC_TLS_CA` names the CA to
 * trust, or `GRPC_TLS=1` for the system's roots; a client certificate for mutual TLS from
 * `GRPC_TLS_CLIENT_CERT` / `GRPC_TLS_CLIENT_KEY`. Plaintext when none is set.
 * @throws GrpcTlsConfigError for half a pair, an unreadable or non-PEM file.
 */
export function grpcChannelCredentials(env: NodeJS.ProcessEnv = process.env): ChannelCredentials {
  const client = pair(env, 'GRPC_TLS_CLIENT_CERT', 'GRPC_TLS_CLIENT_KEY');
  const tls = Boolean(env.GRPC_TLS_CA) || env.GRPC_TLS === '1' || env.GRPC_TLS === 'true' || client !== undefined;
  if (!tls) return ChannelCredentials.createInsecure();
  return ChannelCredentials.createSsl(env.GRPC_TLS_CA ? pem(env, 'GRPC_TLS_CA') : null, client?.key ?? null, client?.cert ?? null);
}
