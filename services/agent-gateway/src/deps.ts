import type { Tracer } from '@opentelemetry/api';
import type { EdgeContext } from '@switchboard/grpc-edge';
import type { Logger } from '@switchboard/telemetry';
import type { DeskHub } from './desk-hub.js';
import type { AgentDirectory } from './directory.js';
import type { RouterLink } from './router-link.js';
import type { ProfileOverrides } from './profile-overrides.js';
import type { SessionStore } from './session-store.js';

/** What the AgentService handlers share. */
export interface GatewayDeps {
  readonly edge: EdgeContext;
  readonly tracer: Tracer;
  readonly logger: Logger;
  readonly domain: string;
  readonly directory: AgentDirectory;
  readonly router: RouterLink;
  readonly sessions: SessionStore;
  /** Profiles supervisors changed at runtime; they win over the directory's at sign-in. */
  readonly profiles: ProfileOverrides;
  readonly hub: DeskHub;
  readonly graceSeconds: number;
  readonly heartbeatSeconds: number;
  readonly now: () => number;
}
