/**
 * Authentication to an external NATS server, the ways NATS clients take it: user and password or a token (in the
 * URL's user info, in settings.external, or from MQBENCH_NATS_* variables), a secret read from a file, a .creds file
 * (JWT and NKey seed), and TLS files. The same credentials reach mqbench's client (nats.js options), `nats bench`
 * and the Go reference (their --server URL and flags). Results show only which kind was used, never a secret.
 */
import { readFile } from 'node:fs/promises';
import { readSecretFile } from '../../util/secret-files.js';

/** What settings.external may carry besides the servers. */
export interface NatsAuthSettings {
  user?: string;
  password?: string;
  passwordFile?: string;
  token?: string;
  tokenFile?: string;
  credsFile?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
}

/** Resolved credentials, sent to the worker with the endpoint (never into a result). */
export interface NatsAuth {
  user?: string;
  pass?: string;
  token?: string;
  credsFile?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
}

/** The servers without user info, and the credentials from the URL, the settings, the environment and files. */
export async function resolveNatsAuth(servers: string, settings: NatsAuthSettings = {}, env: NodeJS.ProcessEnv = process.env): Promise<{ servers: string; auth: NatsAuth }> {
  const fromUrl: NatsAuth = {};
  const bare = servers
    .split(',')
    .map((server) => {
      const match = /^([a-z][a-z0-9+.-]*:\/\/)([^@/]+)@(.*)$/i.exec(server.trim());
      if (!match) return server.trim();
      const [user, pass] = match[2]!.split(':').map((part) => decodeURIComponent(part));
      if (pass === undefined) fromUrl.token ??= user;
      else {
        fromUrl.user ??= user;
        fromUrl.pass ??= pass;
      }
      return `${match[1]}${match[3]}`;
    })
    .join(',');
  const auth: NatsAuth = {
    user: settings.user ?? env.MQBENCH_NATS_USER ?? fromUrl.user,
    pass: settings.password ?? (await readSecretFile(settings.passwordFile, 'settings.external.passwordFile')) ?? env.MQBENCH_NATS_PASSWORD ?? fromUrl.pass,
    token: settings.token ?? (await readSecretFile(settings.tokenFile, 'settings.external.tokenFile')) ?? env.MQBENCH_NATS_TOKEN ?? fromUrl.token,
    credsFile: settings.credsFile ?? env.MQBENCH_NATS_CREDS,
    tls: settings.tls,
  };
  if (auth.user !== undefined && auth.pass === undefined) throw new Error('NATS user given without a password (settings.external.password, passwordFile or MQBENCH_NATS_PASSWORD)');
  return { servers: bare, auth: Object.fromEntries(Object.entries(auth).filter(([, value]) => value !== undefined)) as NatsAuth };
}

/** Which kind of authentication is in use, for the manifest ("user alice with a password", "token", "none"). */
export function describeNatsAuth(auth: NatsAuth): string {
  const parts = [
    auth.user !== undefined ? `user ${auth.user} with a password` : undefined,
    auth.token !== undefined ? 'token' : undefined,
    auth.credsFile !== undefined ? `creds file ${auth.credsFile}` : undefined,
    auth.tls ? `TLS (${Object.entries(auth.tls).map(([key, value]) => `${key} ${value}`).join(', ')})` : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join('; ') : 'none';
}

/** nats.js connection options for `auth`. */
export async function natsJsAuthOptions(auth: NatsAuth): Promise<Record<string, unknown>> {
  const options: Record<string, unknown> = {};
  if (auth.user !== undefined) Object.assign(options, { user: auth.user, pass: auth.pass });
  if (auth.token !== undefined) options.token = auth.token;
  if (auth.credsFile !== undefined) {
    const { credsAuthenticator } = await import('@nats-io/transport-node');
    options.authenticator = credsAuthenticator(await readFile(auth.credsFile));
  }
  if (auth.tls) options.tls = { ...auth.tls };
  return options;
}

/** `servers` with the user and password or token in each URL's user info: how natscli and nats.go take them. */
export function serversWithAuth(servers: string, auth: NatsAuth): string {
  const info = auth.user !== undefined ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass ?? '')}@` : auth.token !== undefined ? `${encodeURIComponent(auth.token)}@` : '';
  return info ? servers.split(',').map((server) => server.replace(/^([a-z][a-z0-9+.-]*:\/\/)/i, `$1${info}`)).join(',') : servers;
}

/** natscli flags for the file-based credentials (`nats bench`). */
export function natsCliAuthFlags(auth: NatsAuth): string[] {
  return [
    ...(auth.credsFile ? [`--creds=${auth.credsFile}`] : []),
    ...(auth.tls?.caFile ? [`--tlsca=${auth.tls.caFile}`] : []),
    ...(auth.tls?.certFile ? [`--tlscert=${auth.tls.certFile}`] : []),
    ...(auth.tls?.keyFile ? [`--tlskey=${auth.tls.keyFile}`] : []),
  ];
}
