import { describe, expect, it } from 'vitest';
import { describeRegions } from '../../src/dbs/operations.js';
import { checkRegionScope, readsSeveralRegions, regionScopeShape, regionsInScope } from '../../src/tools/shared/regions.js';
import { ToolError } from '../../src/tools/shared/errors.js';
import type { ToolRun } from '../../src/tools/shared/tool.js';
import type { DbsClient } from '../../src/dbs/client.js';
import { TEST_CONFIG } from '../helpers/in-memory.js';

function runWith(regionIds: string[], calls: string[] = []): ToolRun {
  const client: DbsClient = {
    call: async (operation) => {
      calls.push(operation.action);
      if (operation !== describeRegions) throw new Error(`unexpected ${operation.action}`);
      return { requestId: 'r1', regionIds } as never;
    },
  };
  return { client, config: { ...TEST_CONFIG, regionId: 'cn-shanghai' } };
}

describe('regionsInScope', () => {
  it('is the default region when the call names none', async () => {
    expect(await regionsInScope({}, runWith([]))).toEqual(['cn-shanghai']);
  });

  it('is the call region, or the named regions once each, in order', async () => {
    expect(await regionsInScope({ regionId: 'ap-southeast-1' }, runWith([]))).toEqual(['ap-southeast-1']);
    expect(await regionsInScope({ regionIds: ['cn-beijing', 'cn-hangzhou', 'cn-beijing'] }, runWith([]))).toEqual(['cn-beijing', 'cn-hangzhou']);
  });

  it('asks DescribeRegions for allRegions, and nothing else', async () => {
    const calls: string[] = [];
    expect(await regionsInScope({ allRegions: true }, runWith(['cn-hangzhou', 'eu-central-1'], calls))).toEqual(['cn-hangzhou', 'eu-central-1']);
    expect(calls).toEqual(['DescribeRegions']);
  });
});

describe('checkRegionScope and readsSeveralRegions', () => {
  it('refuses two ways of naming the regions, naming both', () => {
    expect(() => checkRegionScope({ regionId: 'cn-hangzhou', regionIds: ['cn-beijing'] })).toThrow(ToolError);
    expect(() => checkRegionScope({ regionIds: ['cn-beijing'], allRegions: true })).toThrow(/regionIds and allRegions/);
    expect(() => checkRegionScope({ regionIds: ['cn-beijing'] })).not.toThrow();
  });

  it('tells one region from several', () => {
    expect(readsSeveralRegions({ regionIds: ['cn-beijing'] })).toBe(false);
    expect(readsSeveralRegions({ regionIds: ['cn-beijing', 'cn-hangzhou'] })).toBe(true);
    expect(readsSeveralRegions({ allRegions: true })).toBe(true);
  });

  it('refuses region ids that are not region-shaped, and more than 30', () => {
    const regionIds = regionScopeShape.regionIds;
    expect(regionIds.safeParse(['hangzhou']).success).toBe(false);
    expect(regionIds.safeParse(Array.from({ length: 31 }, (_, i) => `cn-r${i}`)).success).toBe(false);
    expect(regionIds.safeParse(['cn-hangzhou']).success).toBe(true);
  });
});
