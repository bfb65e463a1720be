import { createServer, type Server } from 'node:http';

/** One span as an OTLP/HTTP JSON export carries it, with its resource's service name. */
export interface ReceivedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly attributes: Record<string, unknown>;
}

interface OtlpJson {
  resourceSpans?: { resource?: { attributes?: Attr[] }; scopeSpans?: { spans?: { traceId: string; spanId: string; parentSpanId?: string; name: string; attributes?: Attr[] }[] }[] }[];
}
interface Attr { key: string; value: Record<string, unknown> }

const value = (v: Record<string, unknown>) => v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue;
const attrs = (list: Attr[] | undefined) => Object.fromEntries((list ?? []).map((a) => [a.key, value(a.value)]));

/**
 * A tiny OTLP/HTTP trace receiver for tests: the services' own exporters post to
 * `<url>/v1/traces` (JSON, the exporter-trace-otlp-http default) and the spans are kept in memory.
 */
export class OtlpReceiver {
  private constructor(private readonly server: Server, readonly url: string, readonly spans: ReceivedSpan[]) {}

  static async start(): Promise<OtlpReceiver> {
    const spans: ReceivedSpan[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/v1/traces' && (req.headers['content-type'] ?? '').includes('json')) {
          const body = JSON.parse(Buffer.concat(chunks).toString()) as OtlpJson;
          for (const rs of body.resourceSpans ?? []) {
            const service = String(attrs(rs.resource?.attributes)['service.name'] ?? '');
            for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) {
              spans.push({ service, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId ?? '', name: s.name, attributes: attrs(s.attributes) });
            }
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new OtlpReceiver(server, `http://127.0.0.1:${(server.address() as { port: number }).port}`, spans);
  }

  /** Spans of one trace. */
  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((s) => s.traceId === traceId);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
