import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Server, type ServerCredentials } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import { linkDescriptorFiles } from './descriptor-links.js';
import { grpcServerCredentials } from './tls.js';

/**
 * Where the `.proto` sources live: `SWITCHBOARD_PROTO_DIR`, else the repository's `proto/`
 * (three levels up from this file in `src/` and in `dist/` alike).
 */
export function protoRoot(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.SWITCHBOARD_PROTO_DIR || fileURLToPath(new URL('../../../proto', import.meta.url));
  if (!existsSync(dir)) throw new Error(`proto directory not found: ${dir} (set SWITCHBOARD_PROTO_DIR)`);
  return dir;
}

/** Options of {@link addHealthAndReflection}. */
export interface HealthAndReflectionOptions {
  /** Proto files (relative to {@link protoRoot}) whose services reflection describes. */
  readonly protoFiles: readonly string[];
  /** Fully qualified services reported SERVING by the health service (plus `""`, the whole server). */
  readonly services: readonly string[];
  readonly protoDir?: string;
}

/**
 * Adds the standard `grpc.health.v1.Health` service and server reflection (v1 and v1alpha), so
 * generic clients (`buf curl --reflect`, grpcurl, grpc_health_probe) work without our proto files.
 * Reflection is built from the proto sources at run time rather than the generated code, which
 * carries no descriptors. Returns the health implementation so shutdown can mark NOT_SERVING.
 */
export function addHealthAndReflection(server: Server, options: HealthAndReflectionOptions): HealthImplementation {
  const includeDir = options.protoDir ?? protoRoot();
  const definition = loadSync([...options.protoFiles, healthProtoPath], {
    includeDirs: [includeDir],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const health = new HealthImplementation(Object.fromEntries(['', ...options.services].map((s) => [s, 'SERVING' as const])));
  health.addToServer(server);
  new ReflectionService(linkDescriptorFiles(definition)).addToServer(server);
  return health;
}

/**
 * Binds (port 0 picks a free one) and resolves with the bound port. TLS when `GRPC_TLS_CERT` /
 * `GRPC_TLS_KEY` are set (see grpcServerCredentials), else plaintext behind the mesh's edge proxy.
 */
export function bindGrpc(server: Server, host: string, port: number, credentials: ServerCredentials = grpcServerCredentials()): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, credentials, (error, bound) => (error ? reject(error) : resolve(bound)));
  });
}

/** Stops accepting calls and waits for calls in flight; forces (ending open streams) after `graceMs`. */
export function shutdownGrpc(server: Server, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
