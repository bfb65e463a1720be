export { startLockedNats, type LockedNats, type LockedNatsOptions, type LockedUser } from './testing/locked-nats.js';
export { generateTestTls, type TestTlsFiles } from './testing/test-tls.js';
