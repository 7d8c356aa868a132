/**
 * Authentication to an external Pulsar cluster with a token (JWT), the way Pulsar clients take it: from
 * settings.external.token, tokenFile or MQBENCH_PULSAR_TOKEN. It reaches the admin REST calls (a Bearer header), the
 * WebSocket API (the same header), mqbench's binary client (CONNECT with auth method "token"), the native client,
 * and pulsar-perf (AuthenticationToken reading a file only its owner can read, removed after the run of the tool).
 */
import { readSecretFile, withPrivateFile } from '../../util/secret-files.js';

/** What settings.external may carry besides the URLs. */
export interface PulsarAuthSettings {
  token?: string;
  tokenFile?: string;
}

/** The token from the settings, a file or the environment, if any. */
export async function resolvePulsarToken(settings: PulsarAuthSettings = {}, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (settings.token !== undefined) return settings.token;
  const fromFile = await readSecretFile(settings.tokenFile, 'settings.external.tokenFile');
  if (fromFile !== undefined) return fromFile;
  return env.MQBENCH_PULSAR_TOKEN || undefined;
}

/** HTTP (and WebSocket upgrade) headers carrying `token`. */
export function bearerHeaders(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

/** How pulsar-perf reaches an external cluster: the file holding its token, the CA file its TLS trusts. */
export interface PulsarPerfAccess {
  tokenFile?: string;
  tlsCaFile?: string;
}

/** The pulsar-perf arguments for `access`: AuthenticationToken reading the token file, the trusted CA. */
export function pulsarPerfAuthArgs(access: PulsarPerfAccess = {}): string[] {
  return [
    ...(access.tokenFile === undefined ? [] : ['--auth-plugin', 'org.apache.pulsar.client.impl.auth.AuthenticationToken', '--auth-params', `file://${access.tokenFile}`]),
    ...(access.tlsCaFile === undefined ? [] : [`--trust-cert-file=${access.tlsCaFile}`]),
  ];
}

/** Runs `use` with the path of a 0600 file holding `token` (removed afterwards), or with none without a token. */
export async function withTokenFile<T>(token: string | undefined, use: (path: string | undefined) => Promise<T>): Promise<T> {
  if (token === undefined) return use(undefined);
  return withPrivateFile('token', token, use);
}
