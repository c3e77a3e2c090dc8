/** Input schema pieces every tool shares. */
import * as z from 'zod';
import { REGION_PATTERN } from '../../config.js';
import { ToolError } from './errors.js';

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

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Refuses a string argument (or an item of a list argument) that is not well-formed UTF-16: it
 * cannot be sent as UTF-8 to the API, and is the caller's to fix, not a failure of this server.
 */
export function refuseLoneSurrogates(args: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(args)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    if (values.some((item) => typeof item === 'string' && LONE_SURROGATE.test(item))) {
      throw new ToolError('InvalidInput', `${name} holds a lone UTF-16 surrogate (a broken character); send it as well-formed text`);
    }
  }
}
