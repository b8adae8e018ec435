import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { type RedisServer, startRedis } from './redis-server.js';

/**
 * A real redis-server for the tests of one file: started before them on a free loopback port,
 * stopped after them, with an admin client for looking behind the stores' backs.
 */
export function useRedis(): { readonly url: string; readonly admin: Redis } {
  let server: RedisServer | undefined;
  let admin: Redis | undefined;
  beforeAll(async () => {
    server = await startRedis();
    admin = new Redis(server.url);
  });
  afterAll(async () => {
    admin?.disconnect();
    await server?.stop();
  });
  return {
    get url() {
      if (server === undefined) throw new Error('useRedis: the server starts in beforeAll');
      return server.url;
    },
    get admin() {
      if (admin === undefined) throw new Error('useRedis: the server starts in beforeAll');
      return admin;
    },
  };
}
