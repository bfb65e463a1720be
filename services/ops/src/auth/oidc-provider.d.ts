// oidc-provider ships no types; the tests' local provider uses this much of it.
declare module 'oidc-provider' {
  import type { Server } from 'node:http';
  export interface ProviderApp { listen(port: number, host: string, callback: () => void): Server }
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    app: ProviderApp;
    listen(port: number, host?: string, callback?: () => void): Server;
  }
}
