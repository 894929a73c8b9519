/**
 * Where a store of the platform's own state lives, in the stores' order of precedence: MongoDB when
 * MONGO_URL is set, else PostgreSQL when DATABASE_URL is, else a SQLite file in the data dir. The
 * projection store, the dispatcher's state, the leader locks and the delivery claims all follow it
 * (the key vault does not: it prefers PostgreSQL, see stores/keyVault.ts). Each opener imports only
 * the driver it picks.
 */
export type StoreChoice = { kind: 'mongo'; url: string } | { kind: 'postgres'; url: string } | { kind: 'sqlite'; dataDir: string };

export function storeChoice(config: { mongoUrl?: string | undefined; databaseUrl?: string | undefined; dataDir: string }): StoreChoice {
  if (config.mongoUrl) return { kind: 'mongo', url: config.mongoUrl };
  if (config.databaseUrl) return { kind: 'postgres', url: config.databaseUrl };
  return { kind: 'sqlite', dataDir: config.dataDir };
}
