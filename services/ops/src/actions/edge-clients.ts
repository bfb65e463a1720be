import { AgentServiceClient, QueueServiceClient } from '@switchboard/contracts';
import { grpcChannelCredentials } from '@switchboard/grpc-edge';

/** Where ops reaches the edges it acts through for a console supervisor. */
export interface OpsEdges {
  /** `OPS_AGENT_GATEWAY` (`127.0.0.1:<AGENT_GATEWAY_PORT or 7201>`): AgentService. */
  readonly agentGateway: string;
  /** `OPS_QUEUE_SERVICE` (`127.0.0.1:<QUEUE_SERVICE_PORT or 7202>`): QueueService. */
  readonly queueService: string;
}

/** Reads {@link OpsEdges} from the environment (the launcher moves the edges' ports with their own variables). */
export function edgesFromEnv(env: NodeJS.ProcessEnv): OpsEdges {
  return {
    agentGateway: env.OPS_AGENT_GATEWAY || `127.0.0.1:${env.AGENT_GATEWAY_PORT || 7201}`,
    queueService: env.OPS_QUEUE_SERVICE || `127.0.0.1:${env.QUEUE_SERVICE_PORT || 7202}`,
  };
}

/** One long-lived channel to each edge (TLS as `GRPC_TLS*` say, as every gRPC client of the mesh). */
export class EdgeClients {
  readonly agents: AgentServiceClient;
  readonly queues: QueueServiceClient;

  constructor(edges: OpsEdges) {
    this.agents = new AgentServiceClient(edges.agentGateway, grpcChannelCredentials());
    this.queues = new QueueServiceClient(edges.queueService, grpcChannelCredentials());
  }

  close(): void {
    this.agents.close();
    this.queues.close();
  }
}
