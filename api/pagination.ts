import { z } from 'zod';
import { text } from './schemas/text';
import { parseBody } from './validation';

export const paginationSchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** The `nextCursor` of the previous page. */
  cursor: text().max(64).optional(),
});

export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  return parseBody(schema, query);
}

/** Fetches limit + 1 rows to know whether there is a next page; the cursor is the last row's id. */
export function page<T extends { id: string }>(rows: T[], limit: number): { items: T[]; hasMore: boolean; nextCursor: string | null } {
  const hasMore = rows.length > limit;
  const items = hasMore ? rows.slice(0, limit) : rows;
  return { items, hasMore, nextCursor: hasMore ? items[items.length - 1]!.id : null };
}
