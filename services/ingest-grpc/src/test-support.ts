// Shared by this service's tests only (not exported by the package).
import { credentials, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import {
  IngestServiceClient,
  type SubmitContactRequest,
  type SubmitContactResponse,
  type SubmitContactUpdateRequest,
  type SubmitContactUpdateResponse,
} from '@switchboard/contracts';
import { createLogger } from '@switchboard/telemetry';
import type { IngestTestBed } from '@switchboard/ingest-kit/testing';
import { bindGrpc, buildIngestGrpcServer, shutdownGrpc, type IngestGrpcDeps } from './app.js';

export const TOKEN = 'test-grpc-token';

/** The server on a free port, and a client with the token in its metadata. */
export async function startGrpc(bed: IngestTestBed, overrides: Partial<IngestGrpcDeps> = {}) {
  const server = buildIngestGrpcServer({
    logger: createLogger({ service: 'ingest-grpc-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    publisher: bed.publisher,
    domain: bed.scope.domain,
    token: TOKEN,
    ...overrides,
  });
  const port = await bindGrpc(server, '127.0.0.1', 0);
  const client = new IngestServiceClient(`127.0.0.1:${port}`, credentials.createInsecure());
  return { port, client, close: async () => { client.close(); await shutdownGrpc(server, 1_000); } };
}

/** Bearer metadata, or any other authorization value. */
export function auth(value = `Bearer ${TOKEN}`): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', value);
  return metadata;
}

/** The outcome of one call: its response or its ServiceError. */
export interface CallResult<Res> {
  readonly error?: ServiceError;
  readonly response?: Res;
}

/** Calls SubmitContact. */
export function submitContact(client: IngestServiceClient, request: SubmitContactRequest, metadata: Metadata = auth()): Promise<CallResult<SubmitContactResponse>> {
  return new Promise((resolve) => {
    client.submitContact(request, metadata, (error, response) => resolve(error ? { error } : { response }));
  });
}

/** Calls SubmitContactUpdate. */
export function submitContactUpdate(client: IngestServiceClient, request: SubmitContactUpdateRequest, metadata: Metadata = auth()): Promise<CallResult<SubmitContactUpdateResponse>> {
  return new Promise((resolve) => {
    client.submitContactUpdate(request, metadata, (error, response) => resolve(error ? { error } : { response }));
  });
}

/** Sends arbitrary bytes as a request to `path`, bypassing the generated serializer. */
export function callRaw(client: Client, path: string, bytes: Buffer, metadata: Metadata = auth()): Promise<ServiceError | null> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, bytes, metadata, (error) => resolve(error ?? null));
  });
}
