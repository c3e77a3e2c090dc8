/** Output schema pieces every tool shares. */
import * as z from 'zod';

export const nullableString = z.string().nullable();

export const requestSchema = z.object({ regionId: z.string(), endpoint: z.string(), requestIds: z.array(z.string()) });

export const pageSchema = z.object({
  pageNum: z.number().int(),
  pageSize: z.number().int(),
  pagesFetched: z.number().int(),
  totalPages: z.number().int().nullable(),
  totalElements: z.number().int().nullable(),
  hasMore: z.boolean(),
  nextPageNum: z.number().int().nullable(),
});

/** Arguments that continue where a result stops; null when nothing is left. */
export const nextArgumentsSchema = z.record(z.string(), z.unknown()).nullable();

export type RequestInfo = z.infer<typeof requestSchema>;
export type PageInfo = z.infer<typeof pageSchema>;
