import { afterAll, beforeAll } from 'vitest';
import { PostgresDurableStore } from '../src/durable/index.js';
import { durableStoreContract } from '../test/contracts/durable-store.js';
import { type PostgresServer, startPostgres } from './postgres-server.js';

// The PostgreSQL store against the contract every store passes, on a real server started here:
// two pools on one database, as two machines would be.
let server: PostgresServer | undefined;
let schemas = 0;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

durableStoreContract('PostgresDurableStore (two pools)', async () => {
  const url = (server as PostgresServer).url;
  const schema = `contract_${schemas++}`;
  const [a, b] = [
    await PostgresDurableStore.open({ connectionString: url, schema }),
    await PostgresDurableStore.open({ connectionString: url, schema }),
  ];
  await a.migrate();
  await b.migrate(); // idempotent
  return { a, b, cleanup: async () => Promise.all([a.close(), b.close()]).then(() => {}) };
});
