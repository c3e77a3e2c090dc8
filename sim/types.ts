/** Types shared by the simulator and its fixtures, apart so that neither imports the other for them. */

export interface SimCredential {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** One raw item as the API returns it. */
export type RawTask = Record<string, unknown>;
