import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BUF = fileURLToPath(new URL('../../../node_modules/.bin/buf', import.meta.url));

/** What `buf curl` printed: the response as JSON, or the error's code (`unauthenticated`...) and message. */
export type CurlResult = { ok: true; body: Record<string, unknown> } | { ok: false; code: string; message: string };

/**
 * Calls `<service>/<method>` with `buf curl` — a gRPC client nobody here wrote — using server
 * reflection only (no proto files), plaintext HTTP/2 as a desktop behind the mesh's proxy would.
 */
export function bufCurl(port: number, path: string, body: unknown, token?: string): Promise<CurlResult> {
  const args = ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', '--reflect', '-d', JSON.stringify(body)];
  if (token) args.push('-H', `authorization: Bearer ${token}`);
  args.push(`http://127.0.0.1:${port}/${path}`);
  return new Promise((resolve, reject) => {
    execFile(BUF, args, { timeout: 20_000 }, (error, stdout, stderr) => {
      if (!error) return resolve({ ok: true, body: stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {} });
      try {
        const parsed = JSON.parse(stderr) as { code: string; message: string };
        resolve({ ok: false, code: parsed.code, message: parsed.message ?? '' });
      } catch {
        reject(new Error(`buf curl failed: ${stderr || error.message}`));
      }
    });
  });
}
