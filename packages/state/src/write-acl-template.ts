// Rewrites deploy/redis/users.acl.template, and its copy in deploy/k8s/05-redis.yaml's ConfigMap,
// from redisAclRules after a change of a service's keys or commands:
//   pnpm --filter @switchboard/state exec tsx src/write-acl-template.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderRedisAclTemplate } from './redis-acl.js';

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const template = renderRedisAclTemplate();
writeFileSync(root('deploy/redis/users.acl.template'), template);

const k8s = root('deploy/k8s/05-redis.yaml');
const yaml = readFileSync(k8s, 'utf8');
const start = yaml.indexOf('  users.acl.template: |\n');
const end = yaml.indexOf('  render-acl.sh: |\n');
if (start < 0 || end < start) throw new Error(`${k8s}: the ConfigMap keys users.acl.template and render-acl.sh are not where expected`);
const indented = template.split('\n').map((line) => (line ? `    ${line}` : line)).join('\n');
writeFileSync(k8s, `${yaml.slice(0, start)}  users.acl.template: |\n${indented}${yaml.slice(end)}`);
process.stdout.write('wrote deploy/redis/users.acl.template and the ConfigMap in deploy/k8s/05-redis.yaml\n');
