import { describe, expect, it } from 'vitest';
import { loadEdgeConfig } from './edge-config.js';

const secret = { SWITCHBOARD_JWT_SECRET: '0123456789abcdef' };
const port = { variable: 'AGENT_GATEWAY_PORT', fallback: 7201, httpVariable: 'AGENT_GATEWAY_HTTP_PORT', httpFallback: 7211 };

describe('edge config', () => {
  it('reads the shared settings with their defaults and the service port', () => {
    expect(loadEdgeConfig({ ...secret, QUEUE_SERVICE_PORT: '9000' }, { variable: 'QUEUE_SERVICE_PORT', fallback: 7202, httpVariable: 'QUEUE_SERVICE_HTTP_PORT', httpFallback: 7212 }))
      .toMatchObject({ port: 9000, httpPort: 7212, domain: 'default', natsUrl: 'nats://127.0.0.1:4222', names: { subjectRoot: 'sb' }, redisPrefix: '',
        tokens: { secret: '0123456789abcdef', issuer: 'switchboard', jwksIssuer: 'switchboard', audience: 'switchboard' } });
  });

  it('reads the token settings: either key source alone, issuers and audience', () => {
    const jwks = { SWITCHBOARD_JWKS_URL: 'https://idp.example/jwks', SWITCHBOARD_JWKS_ISSUER: 'https://idp.example', SWITCHBOARD_JWT_AUDIENCE: 'cc' };
    expect(loadEdgeConfig(jwks, port).tokens).toEqual({ jwksUrl: 'https://idp.example/jwks', issuer: 'switchboard', jwksIssuer: 'https://idp.example', audience: 'cc' });
    expect(loadEdgeConfig({ ...secret, SWITCHBOARD_JWT_ISSUER: 'pbx' }, port).tokens).toEqual({ secret: '0123456789abcdef', issuer: 'pbx', jwksIssuer: 'pbx', audience: 'switchboard' });
    expect(loadEdgeConfig({ SWITCHBOARD_JWKS_URL: 'http://127.0.0.1:8080/jwks' }, port).tokens.jwksUrl).toBe('http://127.0.0.1:8080/jwks');
  });

  it('refuses to start without a key source, with a short secret, a plain-http JWKS, a bad port or a domain that cannot be a subject token', () => {
    expect(() => loadEdgeConfig({}, port)).toThrow(/SWITCHBOARD_JWT_SECRET \(at least 16 characters\) or SWITCHBOARD_JWKS_URL must be set/);
    expect(() => loadEdgeConfig({ SWITCHBOARD_JWT_SECRET: 'short' }, port)).toThrow(/at least 16 characters/);
    expect(() => loadEdgeConfig({ SWITCHBOARD_JWKS_URL: 'http://idp.example/jwks' }, port)).toThrow(/must be https:/);
    expect(() => loadEdgeConfig({ SWITCHBOARD_JWKS_URL: 'not a url' }, port)).toThrow(/is not a URL/);
    expect(() => loadEdgeConfig({ ...secret, AGENT_GATEWAY_PORT: 'x' }, port)).toThrow(/AGENT_GATEWAY_PORT="x" must be a number in 0..65535/);
    expect(() => loadEdgeConfig({ ...secret, SWITCHBOARD_DOMAIN: 'a.b' }, port)).toThrow(/SWITCHBOARD_DOMAIN/);
  });
});
