/** Input schema pieces every tool shares. */
import * as z from 'zod';
import { REGION_PATTERN } from '../../config.js';

/** A strict input object: an unknown key is refused with the list of allowed ones. */
export function strictInput<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}; allowed keys: ${allowed}` : undefined),
  });
}

/** The region argument every tool takes; the description says what it is for. */
export const regionIdSchema = (description: string) =>
  z.string().max(64).regex(REGION_PATTERN, 'regionId looks like cn-hangzhou or ap-southeast-1').optional().describe(description);
