/**
 * The `@alicloud/credentials` default chain, the one place that imports that package. Every request
 * asks it for credentials, so refreshed STS tokens are picked up.
 */
import { DbsError } from './errors.js';

export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string | undefined;
  providerName?: string | undefined;
}

/** Supplies credentials per request. */
export type CredentialSource = () => Promise<Credentials>;

/**
 * The credentials SDK's HTTP code logs through `debug`, which reads DEBUG once, when it loads: with DEBUG=*
 * it would print STS answers (secrets, tokens), OIDC tokens and signed request lines to stderr.
 */
function withoutSdkDebugLogs(): void {
  delete process.env.DEBUG;
}

let providerClassesPromise: Promise<ProviderClasses> | undefined;

interface SdkCredentials {
  accessKeyId?: string;
  accessKeySecret?: string;
  securityToken?: string;
}

interface SdkProvider {
  getCredentials(): Promise<SdkCredentials>;
  getProviderName(): string;
}

interface SdkProviderBuilder {
  build(): SdkProvider;
  withRoleName(roleName: string | undefined): SdkProviderBuilder;
  withCredentialsURI(uri: string): SdkProviderBuilder;
}

type SdkProviderClass = { builder(): SdkProviderBuilder };

const PROVIDER_CLASSES = [
  'EnvironmentVariableCredentialsProvider',
  'OIDCRoleArnCredentialsProvider',
  'CLIProfileCredentialsProvider',
  'ProfileCredentialsProvider',
  'ECSRAMRoleCredentialsProvider',
  'URICredentialsProvider',
] as const;

type ProviderClasses = Record<(typeof PROVIDER_CLASSES)[number], SdkProviderClass>;

export function loadProviderClasses(): Promise<ProviderClasses> {
  withoutSdkDebugLogs();
  providerClassesPromise ??= import('@alicloud/credentials').then((module) => {
    const exports = module as unknown as Record<string, unknown>;
    const inner = exports.default as Record<string, unknown> | undefined;
    const classes: Partial<ProviderClasses> = {};
    for (const name of PROVIDER_CLASSES) {
      const found = (exports[name] ?? inner?.[name]) as SdkProviderClass | undefined;
      if (typeof found?.builder !== 'function') throw new Error(`@alicloud/credentials has no ${name}`);
      classes[name] = found;
    }
    return classes as ProviderClasses;
  });
  return providerClassesPromise;
}

/**
 * The providers of the SDK's default chain (`DefaultCredentialsProvider` in 2.4.7), in its order. A builder
 * throws when its provider is not configured or is disabled (OIDC, CLI profile, ECS); that one is left out.
 */
function buildChain(classes: ProviderClasses): SdkProvider[] {
  const env = process.env;
  const providers: SdkProvider[] = [];
  const add = (build: () => SdkProvider): void => {
    try {
      providers.push(build());
    } catch {
      // Not configured.
    }
  };
  add(() => classes.EnvironmentVariableCredentialsProvider.builder().build());
  add(() => classes.OIDCRoleArnCredentialsProvider.builder().build());
  add(() => classes.CLIProfileCredentialsProvider.builder().build());
  add(() => classes.ProfileCredentialsProvider.builder().build());
  add(() => classes.ECSRAMRoleCredentialsProvider.builder().withRoleName(env.ALIBABA_CLOUD_ECS_METADATA).build());
  // The SDK's chain adds this one even with no URI set, and then dials https://undefined/ (a DNS lookup
  // leaving the machine, then ENOTFOUND) every time the others fail.
  const uri = env.ALIBABA_CLOUD_CREDENTIALS_URI;
  if (uri) add(() => classes.URICredentialsProvider.builder().withCredentialsURI(uri).build());
  return providers;
}

interface Chain {
  providers: SdkProvider[];
  /** The provider that answered last; asked first, so session providers keep their cached STS credentials. */
  current?: SdkProvider;
}

async function resolveChain(chain: Chain): Promise<{ credentials: SdkCredentials; provider: SdkProvider }> {
  if (chain.current) return { credentials: await chain.current.getCredentials(), provider: chain.current };
  for (const provider of chain.providers) {
    try {
      const credentials = await provider.getCredentials();
      chain.current = provider;
      return { credentials, provider };
    } catch {
      // Try the next provider, as the SDK's chain does.
    }
  }
  throw new Error('no provider in the chain had credentials');
}

/**
 * The `@alicloud/credentials` default chain: environment variables, OIDC, aliyun CLI profile, credentials
 * file, ECS RAM role, then the credentials URI when one is set. Built from the SDK's own providers rather
 * than `new Credential()`: that chain dials a URI nobody set, and after one failure it sticks to its last
 * provider. Here a failure drops the chain, so the next call reads the environment and files afresh.
 * Session providers (STS, OIDC, ECS, URI) refresh their credentials themselves; they are asked on every request.
 */
export function defaultCredentialChain(): CredentialSource {
  let chain: Chain | undefined;
  return async () => {
    try {
      chain ??= { providers: buildChain(await loadProviderClasses()) };
      const { credentials, provider } = await resolveChain(chain);
      if (!credentials.accessKeyId || !credentials.accessKeySecret) {
        throw new Error('the chain returned no access key');
      }
      return {
        accessKeyId: credentials.accessKeyId,
        accessKeySecret: credentials.accessKeySecret,
        securityToken: credentials.securityToken || undefined,
        providerName: `default/${provider.getProviderName()}`,
      };
    } catch {
      chain = undefined;
      // The chain's own message can quote file paths and partial values: say only what to set.
      throw new DbsError(
        'MissingCredentials',
        'no Alibaba Cloud credentials were found (environment variables, OIDC, CLI profile, credentials file and ECS RAM role were tried)',
      );
    }
  };
}
