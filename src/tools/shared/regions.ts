/** Which regions a call covers: the call's own (or the default), several named ones, or every region DBS serves. */
import * as z from 'zod';
import { REGION_PATTERN } from '../../config.js';
import { resolveEndpoint } from '../../dbs/endpoint.js';
import { describeRegions } from '../../dbs/operations.js';
import { ToolError } from './errors.js';
import type { ToolRun } from './tool.js';

export const MAX_REGIONS = 30;

/** `regionIds` and `allRegions`, for the tools that read several regions in one call. */
export const regionScopeShape = {
  regionIds: z
    .array(z.string().max(64).regex(REGION_PATTERN, 'each of regionIds looks like cn-hangzhou'))
    .min(1)
    .max(MAX_REGIONS)
    .optional()
    .describe('Several regions in one call, e.g. ["cn-hangzhou","cn-shanghai"]; instead of regionId'),
  allRegions: z.boolean().default(false).describe('Every region where DBS is available'),
};

export interface RegionScope {
  regionId?: string | undefined;
  regionIds?: readonly string[] | undefined;
  allRegions?: boolean | undefined;
}

/** Refuses a scope that names its regions in two ways: which one was meant cannot be told. */
export function checkRegionScope(scope: RegionScope): void {
  const given = [scope.regionId ? 'regionId' : null, scope.regionIds?.length ? 'regionIds' : null, scope.allRegions ? 'allRegions' : null];
  const named = given.filter((name): name is string => name !== null);
  if (named.length > 1) throw new ToolError('InvalidInput', `give one of regionId, regionIds and allRegions, not ${named.join(' and ')}`);
}

/** True when the call may read more than one region. */
export function readsSeveralRegions(scope: RegionScope): boolean {
  return scope.allRegions === true || (scope.regionIds?.length ?? 0) > 1;
}

/**
 * The regions in scope, in order, each once. `allRegions` asks DescribeRegions at the default region's endpoint
 * (every endpoint answers for the whole service).
 */
export async function regionsInScope(scope: RegionScope, run: ToolRun): Promise<string[]> {
  if (scope.allRegions) {
    const endpoint = resolveEndpoint(run.config.regionId, run.config.endpointOverride);
    const { regionIds } = await run.client.call(describeRegions, {}, { endpoint, signal: run.signal, onRetry: (notice) => run.onRetry?.(notice) });
    return regionIds;
  }
  if (scope.regionIds !== undefined && scope.regionIds.length > 0) return [...new Set(scope.regionIds)];
  return [scope.regionId || run.config.regionId];
}
