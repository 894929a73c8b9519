import type { z } from 'zod';
import { fromZod } from './errors.ts';

/** Parses or throws the 400 naming the first bad field; `root` prefixes path parameters ("userId"). */
export function parse<S extends z.ZodType>(schema: S, value: unknown, root = 'body'): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw fromZod(result.error, root);
  return result.data;
}
