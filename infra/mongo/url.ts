// No driver import here: the config checks MONGO_URL at startup without loading the MongoDB driver.

/**
 * The database named in a MongoDB URL (`mongodb://host:27017/notify`). Without one the driver
 * silently uses `test`, where nobody will look for the read models: refuse at startup instead.
 * An explicit `dbName` (tests) wins over the URL.
 */
export function mongoDatabaseName(url: string, dbName?: string): string {
  if (dbName) return dbName;
  const m = /^mongodb(?:\+srv)?:\/\/[^/?]*(?:\/([^?]*))?/i.exec(url.trim());
  if (!m) throw new Error('MONGO_URL must start with mongodb:// or mongodb+srv://');
  const name = decodeURIComponent(m[1] ?? '');
  if (name === '') throw new Error('MONGO_URL must name the database, e.g. mongodb://localhost:27017/notify (without one the driver would silently use "test")');
  if (/[/\\. "$]/.test(name)) throw new Error(`MONGO_URL names an invalid database "${name}"`);
  return name;
}
