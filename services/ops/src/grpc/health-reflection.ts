import { fileURLToPath } from 'node:url';
import type { Server } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';

/** The repository's proto directory (services/ops/src|dist/grpc → proto). */
const PROTO_DIR = fileURLToPath(new URL('../../../../proto/', import.meta.url));

/** The fully qualified name clients and health checks use. */
export const OPS_SERVICE_NAME = 'switchboard.v1.OpsService';

/** The standard health service's state for ops; flip it when NATS or Redis goes away. */
export interface OpsHealth {
  set(status: ServingStatus): void;
}

/**
 * Adds `grpc.health.v1.Health` (overall and `switchboard.v1.OpsService`) and server reflection
 * (from the .proto sources, so `grpcurl` lists and describes OpsService without local files).
 */
export function addHealthAndReflection(server: Server): OpsHealth {
  const health = new HealthImplementation({ '': 'SERVING', [OPS_SERVICE_NAME]: 'SERVING' });
  health.addToServer(server);
  const definition = loadSync('switchboard/v1/ops_service.proto', { includeDirs: [PROTO_DIR], keepCase: false, longs: Number, defaults: true });
  new ReflectionService(definition).addToServer(server);
  return {
    set(status) {
      health.setStatus('', status);
      health.setStatus(OPS_SERVICE_NAME, status);
    },
  };
}
