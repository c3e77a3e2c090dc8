/** Schema pieces every tool shares. */
import * as z from 'zod';
import { REGION_PATTERN } from '../../config.js';

export const nullableString = z.string().nullable();

/** A strict input object: an unknown key is refused with the list of allowed ones. */
export function strictInput<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}; allowed keys: ${allowed}` : undefined),
  });
}

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

/** The region argument every tool takes; the description says what it is for. */
export const regionIdSchema = (description: string) =>
  z.string().max(64).regex(REGION_PATTERN, 'regionId looks like cn-hangzhou or ap-southeast-1').optional().describe(description);

/** Arguments that continue where a result stops; null when nothing is left. */
export const nextArgumentsSchema = z.record(z.string(), z.unknown()).nullable();
