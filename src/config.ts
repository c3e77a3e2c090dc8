import { parseEndpoint, type Endpoint } from './dbs/endpoint.js';

/** Server settings, read once at start-up from an environment object. */
export interface Config {
  regionId: string;
  endpointOverride: Endpoint | null;
  timeoutMs: number;
  maxAttempts: number;
  concurrency: number;
}

export const DEFAULT_REGION = 'cn-hangzhou';
export const REGION_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** An empty string counts as unset: MCP bundle hosts pass "" for optional settings. */
function setting(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integerSetting(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = setting(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function readConfig(env: Env): Config {
  const regionId = setting(env, 'ALIBABA_CLOUD_REGION_ID') ?? DEFAULT_REGION;
  if (!REGION_PATTERN.test(regionId) || regionId.length > 64) {
    throw new ConfigError(`ALIBABA_CLOUD_REGION_ID must look like cn-hangzhou or ap-southeast-1, got "${regionId}"`);
  }
  const endpointRaw = setting(env, 'ALIBABA_CLOUD_DBS_ENDPOINT');
  let endpointOverride: Endpoint | null = null;
  if (endpointRaw !== undefined) {
    try {
      endpointOverride = parseEndpoint(endpointRaw);
    } catch (error) {
      throw new ConfigError(`ALIBABA_CLOUD_DBS_ENDPOINT: ${(error as Error).message}`);
    }
  }
  return {
    regionId,
    endpointOverride,
    // 10 s: a page of 100 tasks normally answers in well under a second.
    timeoutMs: integerSetting(env, 'DBS_MCP_TIMEOUT_MS', 10_000, 100, 600_000),
    maxAttempts: integerSetting(env, 'DBS_MCP_MAX_ATTEMPTS', 3, 1, 10),
    concurrency: integerSetting(env, 'DBS_MCP_CONCURRENCY', 4, 1, 16),
  };
}

/** Credential variables the default chain reads; "" must not shadow the next provider. */
const CREDENTIAL_VARIABLES = /^ALIBABA_CLOUD_/;

/** Removes empty `ALIBABA_CLOUD_*` variables so the credentials chain treats them as unset. */
export function dropEmptyCredentialVariables(env: Env): void {
  for (const name of Object.keys(env)) {
    if (CREDENTIAL_VARIABLES.test(name) && env[name]?.trim() === '') delete env[name];
  }
}
