import { opsAuthorization } from './ops-token.js';

/** The ops URL when `--ops-url` is not given. */
export const DEFAULT_OPS_URL = 'http://127.0.0.1:7301';

/** Ops did not answer, or answered with an error; the message says what to do. */
export class OpsRequestError extends Error {
  override readonly name = 'OpsRequestError';
  constructor(message: string, readonly status?: number, options?: ErrorOptions) {
    super(message, options);
  }
}

/** The `--ops-url` and `--json` options every ops command takes. */
export interface OpsOptions {
  opsUrl?: string;
  json?: boolean;
}

/**
 * GETs an ops API path and returns the JSON body.
 * Sends `authorization` from {@link opsAuthorization} (`SWITCHBOARD_OPS_TOKEN`, else a development token).
 * @throws OpsRequestError when ops is not running (with how to start it), refuses the caller, or with the API's own message.
 */
export async function getOps<T>(options: OpsOptions, path: string, timeoutMs = 120_000): Promise<T> {
  return (await (await requestOps(options, path, 'application/json', timeoutMs)).json().catch(() => ({}))) as T;
}

/** GETs an ops API path that answers text (a CSV export); errors as {@link getOps}. */
export async function getOpsText(options: OpsOptions, path: string, timeoutMs = 120_000): Promise<string> {
  return (await requestOps(options, path, 'text/csv', timeoutMs)).text();
}

async function requestOps(options: OpsOptions, path: string, accept: string, timeoutMs: number): Promise<Response> {
  const base = (options.opsUrl ?? process.env.SWITCHBOARD_OPS_URL ?? DEFAULT_OPS_URL).replace(/\/+$/, '');
  let response: Response;
  try {
    // The domain to mint a development token for, when SWITCHBOARD_DOMAIN does not say: the one this ops serves (its open /readyz).
    const served = async () => ((await (await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5_000) })).json()) as { domain?: string }).domain ?? 'default';
    const authorization = await opsAuthorization(process.env, served);
    response = await fetch(base + path, { headers: { accept, ...(authorization ? { authorization } : {}) }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    const why = code === 'ECONNREFUSED' ? 'is not running' : code === 'ENOTFOUND' ? 'host is unknown' : 'did not answer';
    throw new OpsRequestError(`ops at ${base} ${why}; start the mesh with \`pnpm start\` (or ops alone: \`pnpm --filter @switchboard/ops start\`), or pass --ops-url`, undefined, { cause: error });
  }
  if (response.ok) return response;
  const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
  if (response.status === 401 || response.status === 403) {
    throw new OpsRequestError(`ops refused (${response.status}): ${body.error?.message ?? 'not allowed'}; set SWITCHBOARD_OPS_TOKEN to a supervisor or ops token for this domain`, response.status);
  }
  throw new OpsRequestError(body.error?.message ?? `ops answered ${response.status}`, response.status);
}

/** Prints `value` as one line of JSON (for `--json`). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
