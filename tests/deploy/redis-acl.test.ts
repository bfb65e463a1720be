import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REDIS_USERS, renderRedisAclTemplate } from '@switchboard/state';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Container { env?: { name: string; value?: string }[]; volumeMounts?: { name: string; mountPath: string }[]; command?: string[] }
interface Pod { containers: Container[]; initContainers?: Container[]; volumes?: { name: string; secret?: { secretName: string; items?: { key: string; path: string }[] } }[] }
interface K8sObject { kind: string; metadata: { name: string }; data?: Record<string, string>; spec?: { template?: { spec: Pod } } }

describe('Redis locked in deploy/', () => {
  const k8s = ['05-redis.yaml', ...REDIS_USERS.map((u) => `10-${u}.yaml`)].flatMap((f) => parseAllDocuments(read(`deploy/k8s/${f}`)).map((d) => d.toJS() as K8sObject));
  const deployment = (name: string) => k8s.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!.spec!.template!.spec;

  it('ships the ACL template rendered from redisAclRules, with the default user off, and the same files in the k8s ConfigMap', () => {
    const template = read('deploy/redis/users.acl.template');
    expect(template).toBe(renderRedisAclTemplate());
    expect(template).toMatch(/^user default off /m);
    const config = k8s.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'switchboard-redis-acl')!;
    expect(config.data!['users.acl.template']).toBe(template);
    expect(config.data!['render-acl.sh']).toBe(read('deploy/redis/render-acl.sh'));
  });

  it('k8s: Redis starts on the rendered ACL file; each service logs in as its own user with only its own password mounted', () => {
    const redis = deployment('redis');
    expect(redis.containers[0]!.command).toEqual(expect.arrayContaining(['--aclfile', '/acl/users.acl']));
    expect(redis.initContainers![0]!.command).toEqual(['sh', '/etc/switchboard/redis/render-acl.sh']);
    for (const user of REDIS_USERS) {
      const pod = deployment(user);
      expect(pod.containers[0]!.env, user).toEqual(expect.arrayContaining([
        { name: 'REDIS_USERNAME', value: user }, { name: 'REDIS_PASSWORD_FILE', value: '/run/secrets/redis/password' }]));
      const volume = pod.volumes!.find((v) => v.name === 'redis-password')!;
      expect(volume.secret, user).toEqual({ secretName: 'switchboard-redis-users', items: [{ key: user, path: 'password' }] });
    }
  });

  it('compose: the ACL is rendered before Redis starts, passwords generated on first start, one volume per service', () => {
    const file = parse(read('deploy/compose/compose.yaml'), { merge: true }) as { services: Record<string, { command?: string[]; environment?: Record<string, string>; volumes?: string[]; depends_on?: Record<string, { condition: string }> }> };
    expect(file.services.redis!.command).toEqual(expect.arrayContaining(['--aclfile', '/etc/redis-acl/users.acl']));
    expect(file.services.redis!.depends_on).toEqual({ 'redis-acl': { condition: 'service_completed_successfully' } });
    expect(file.services['redis-acl']!.environment).toMatchObject({ REDIS_GENERATE_PASSWORDS: '1' });
    for (const user of REDIS_USERS) {
      expect(file.services[user]!.environment, user).toMatchObject({ REDIS_USERNAME: user, REDIS_PASSWORD_FILE: '/run/secrets/redis/password' });
      expect(file.services[user]!.volumes, user).toContain(`redis-password-${user}:/run/secrets/redis:ro`);
      // Besides its own NATS credentials and command keys, no other service's Redis password.
      expect(file.services[user]!.volumes!.filter((v) => v.startsWith('redis-password-')), user).toEqual([`redis-password-${user}:/run/secrets/redis:ro`]);
      expect(file.services['redis-acl']!.volumes).toContain(`redis-password-${user}:/secrets/${user}`);
    }
  });
});
