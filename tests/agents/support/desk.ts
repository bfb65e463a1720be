import type { ClientReadableStream, Metadata, ServiceError } from '@grpc/grpc-js';
import { AgentServiceClient, type ConnectResponse, type Offer } from '@switchboard/contracts';
import { credentials } from '@grpc/grpc-js';
import { call, until, type Mesh } from './mesh.js';

/** A simulated agent desktop on the generated ts-proto client: its own channel, stream and token. */
export class Desk {
  readonly messages: ConnectResponse[] = [];
  sessionId = '';
  /** The status the server ended the stream with, once it did. */
  streamError: ServiceError | undefined;
  private stream: ClientReadableStream<ConnectResponse> | undefined;
  private readonly client: AgentServiceClient;

  private constructor(private readonly mesh: Mesh, readonly agentId: string, readonly md: Metadata) {
    // Its own channel, so killing this desk drops its connection like a closed laptop would.
    this.client = new AgentServiceClient(`127.0.0.1:${mesh.gateway.port}`, credentials.createInsecure());
  }

  static async open(mesh: Mesh, agentId: string): Promise<Desk> {
    return new Desk(mesh, agentId, await mesh.auth(agentId));
  }

  get api(): AgentServiceClient {
    return this.client;
  }

  async signIn(resume = ''): Promise<{ resumed: boolean }> {
    const res = await call(this.client.signIn.bind(this.client), { sessionId: resume, initialPresence: undefined }, this.md);
    this.sessionId = res.sessionId;
    return res;
  }

  /** Opens the desktop stream and collects what arrives. */
  async connect(): Promise<void> {
    this.stream = this.client.connect({ sessionId: this.sessionId }, this.md);
    this.stream.on('data', (m: ConnectResponse) => this.messages.push(m));
    this.stream.on('error', (error: ServiceError) => { this.streamError = error; });
    await new Promise((r) => setTimeout(r, 100));
  }

  offers(): Offer[] {
    return this.messages.flatMap((m) => (m.offer ? [m.offer] : []));
  }

  /** The next offer of `contactId` (any contact when omitted) that arrives. */
  nextOffer(contactId?: string, timeoutMs = 10_000): Promise<Offer> {
    return until(`offer to ${this.agentId}`, () => this.offers().find((o) => !contactId || o.contact?.id === contactId), timeoutMs);
  }

  accept(offer: Offer) {
    return call(this.client.accept.bind(this.client), { contactId: offer.contact!.id, reservationToken: offer.reservationToken }, this.md);
  }

  decline(offer: Offer, reason = 'not my language') {
    return call(this.client.decline.bind(this.client), { contactId: offer.contact!.id, reservationToken: offer.reservationToken, reason }, this.md);
  }

  complete(contactId: string, wrapUpSeconds = 0) {
    return call(this.client.complete.bind(this.client), { contactId, disposition: 'resolved', notes: 'ok', wrapUpSeconds, resolvedFirstContact: true }, this.md);
  }

  /** The desktop dies: stream gone, channel closed, no more heartbeats. */
  kill(): void {
    this.stream?.cancel();
    this.client.close();
  }

  /** Ends the stream without signing out (a network blip). */
  disconnect(): void {
    this.stream?.cancel();
    this.stream = undefined;
  }

  close(): void {
    this.stream?.cancel();
    this.client.close();
  }
}
