export { freePort, waitForPort } from './free-port.js';
export { ServerProcess } from './server-process.js';
export {
  acquireNats,
  acquireRedis,
  startPrivateNats,
  startPrivateRedis,
  type PrivateServer,
  type ServerHandle,
  type ServerSource,
} from './servers.js';
export { createTestScope, type TestScope } from './scope.js';
export { connectTestNats, connectTestRedis, deleteKeysMatching, type TestNats, type TestRedis } from './clients.js';
export { REPO_ROOT, ServiceProcess, type ServiceProcessOptions } from './service-process.js';
export { testCommandKeyEnv } from './command-keys.js';
