/** `wait_for_backup_set_download_task`' result, as its contract describes it. */
import * as z from 'zod';
import { downloadTaskSchema, STATES } from '../shared/download-task.js';
import { nextArgumentsSchema, requestSchema } from '../shared/schema.js';

const OUTCOMES = ['succeeded', 'failed', 'paused', 'timeout'] as const;
export type Outcome = (typeof OUTCOMES)[number];

const transitionSchema = z.object({ at: z.string(), state: z.enum(STATES), status: z.string().nullable() });
export type Transition = z.infer<typeof transitionSchema>;

export const outputSchema = z.object({
  request: requestSchema,
  outcome: z.enum(OUTCOMES),
  waitedSeconds: z.number(),
  looks: z.number().int(),
  task: downloadTaskSchema,
  /** The newest changes of state, at most 20; `transitionsDropped` counts the older ones left out. */
  transitions: z.array(transitionSchema),
  transitionsDropped: z.number().int(),
  /** Looks that failed after their retries, in words; the wait went on past them. */
  warnings: z.array(z.string()),
  /** The arguments that keep waiting, on `timeout`; null otherwise. */
  next: nextArgumentsSchema,
});

export type WaitResult = z.infer<typeof outputSchema>;
