import { Metadata, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { AgentServiceClient, Channel, type ConnectResponse, type Offer, type SignInRequest, type SignInResponse } from '@switchboard/contracts';
import { grpcChannelCredentials, signToken } from '@switchboard/grpc-edge';

/** One offer as a desktop saw it. */
export interface OfferSample {
  readonly channel: string;
  /** Ingestion received the contact (its `receivedAt`) → the offer arrived on the desktop stream. */
  readonly ingestToOfferMs: number;
  /** Epoch ms of the offer's arrival. */
  readonly at: number;
}

type Callback<Res> = (error: ServiceError | null, response: Res) => void;
const call = <Req, Res>(method: (req: Req, md: Metadata, cb: Callback<Res>) => unknown, request: Req, md: Metadata): Promise<Res> =>
  new Promise((resolve, reject) => { method(request, md, (error, response) => (error ? reject(error) : resolve(response))); });

/**
 * Simulated agent desktops on the real gRPC AgentService: each signs in with its own JWT, holds the
 * Connect stream open, and accepts then completes every offer at once. They share one HTTP/2
 * channel, so the client side stays cheap next to the mesh it measures.
 */
export class BenchDesktops {
  readonly samples: OfferSample[] = [];
  completed = 0;
  failures = 0;
  private readonly client: AgentServiceClient;
  private readonly streams: ClientReadableStream<ConnectResponse>[] = [];

  constructor(port: number) {
    this.client = new AgentServiceClient(`127.0.0.1:${port}`, grpcChannelCredentials(), { 'grpc.max_concurrent_streams': 10_000 });
  }

  /**
   * Signs every agent in (a desk token of `domain`, the gateway's) and opens its stream.
   * @throws ServiceError when the gateway refuses one.
   */
  async signIn(agentIds: readonly string[], jwtSecret: string, domain: string): Promise<void> {
    await Promise.all(agentIds.map(async (agentId) => {
      const md = new Metadata();
      md.set('authorization', `Bearer ${await signToken(jwtSecret, { subject: agentId, role: 'agent', domain, ttl: '2h' })}`);
      const { sessionId } = await call<SignInRequest, SignInResponse>(this.client.signIn.bind(this.client), { sessionId: '', initialPresence: undefined }, md);
      const stream = this.client.connect({ sessionId }, md);
      stream.on('data', (m: ConnectResponse) => { if (m.offer) void this.handle(m.offer, md); });
      stream.on('error', () => undefined);
      this.streams.push(stream);
    }));
    await new Promise((r) => setTimeout(r, 300));
  }

  /** Samples taken since `fromMs` (epoch). */
  since(fromMs: number): OfferSample[] {
    return this.samples.filter((sample) => sample.at >= fromMs);
  }

  close(): void {
    for (const stream of this.streams) stream.cancel();
    this.client.close();
  }

  private async handle(offer: Offer, md: Metadata): Promise<void> {
    const at = Date.now();
    const contact = offer.contact!;
    this.samples.push({ channel: Channel[contact.channel].replace('CHANNEL_', '').toLowerCase(), ingestToOfferMs: at - (contact.receivedAt?.getTime() ?? at), at });
    try {
      await call(this.client.accept.bind(this.client), { contactId: contact.id, reservationToken: offer.reservationToken }, md);
      await call(this.client.complete.bind(this.client), { contactId: contact.id, disposition: 'resolved', notes: '', wrapUpSeconds: 0, resolvedFirstContact: true }, md);
      this.completed++;
    } catch {
      this.failures++;
    }
  }
}
