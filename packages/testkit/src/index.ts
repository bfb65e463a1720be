export { freePort, waitForPort } from './free-port.js';
export { ServerProcess } from './server-process.js';
export {
  acquireNats,
  acquireRedis,
  startPrivateNats,
  startPrivateRedis,
  type PrivateRedisOptions,
  type PrivateServer,
  type ServerHandle,
  type ServerSource,
} from './servers.js';
export { generateTestCa, type TestCa, type TestCertificate } from './test-ca.js';
export { createTestScope, type TestScope } from './scope.js';
export { connectTestNats, connectTestRedis, deleteKeysMatching, type TestNats, type TestRedis } from './clients.js';
export { REPO_ROOT, ServiceProcess, type ServiceProcessOptions } from './service-process.js';
export { testCommandKeyEnv } from './command-keys.js';
