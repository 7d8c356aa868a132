/**
 * Authentication to an external Kafka cluster: SASL (PLAIN, SCRAM-SHA-256/512) with the password from the settings,
 * a file or MQBENCH_KAFKA_SASL_PASSWORD, and TLS (a CA file). The same credentials reach both clients (kafkajs and
 * librdkafka) and Kafka's own perf tools, which read them from a client configuration file that only its owner can
 * read and that is removed after the run of the tool. Results show only which kind was used.
 */
import { readFile } from 'node:fs/promises';
import { readSecretFile, withPrivateFile } from '../../util/secret-files.js';

/** SASL mechanisms both clients and the Java tools support. */
export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/** A SASL mechanism mqbench supports. */
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** What settings.external may carry besides the brokers. */
export interface KafkaAuthSettings {
  sasl?: { mechanism: SaslMechanism; username?: string; password?: string; passwordFile?: string };
  ssl?: boolean | { caFile?: string };
}

/** Resolved credentials, sent to the worker with the endpoint (never into a result). */
export interface KafkaAuth {
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
  ssl?: { caFile?: string };
}

/** The credentials from the settings, files and the environment (MQBENCH_KAFKA_SASL_*). */
export async function resolveKafkaAuth(settings: KafkaAuthSettings = {}, env: NodeJS.ProcessEnv = process.env): Promise<KafkaAuth> {
  const auth: KafkaAuth = {};
  const mechanism = (settings.sasl?.mechanism ?? env.MQBENCH_KAFKA_SASL_MECHANISM?.toLowerCase()) as SaslMechanism | undefined;
  const username = settings.sasl?.username ?? env.MQBENCH_KAFKA_SASL_USERNAME;
  if (mechanism !== undefined || username !== undefined) {
    if (mechanism === undefined || !SASL_MECHANISMS.includes(mechanism)) throw new Error(`SASL mechanism "${mechanism}" is not one of ${SASL_MECHANISMS.join(', ')}`);
    if (username === undefined) throw new Error('SASL needs a username (settings.external.sasl.username or MQBENCH_KAFKA_SASL_USERNAME)');
    const password = settings.sasl?.password ?? (await readSecretFile(settings.sasl?.passwordFile, 'settings.external.sasl.passwordFile')) ?? env.MQBENCH_KAFKA_SASL_PASSWORD;
    if (password === undefined) throw new Error('SASL needs a password (settings.external.sasl.password, passwordFile or MQBENCH_KAFKA_SASL_PASSWORD)');
    auth.sasl = { mechanism, username, password };
  }
  if (settings.ssl) auth.ssl = settings.ssl === true ? {} : { ...settings.ssl };
  return auth;
}

/** Which kind of authentication is in use, for the manifest. */
export function describeKafkaAuth(auth: KafkaAuth): string {
  const parts = [auth.sasl && `SASL ${auth.sasl.mechanism.toUpperCase()} as ${auth.sasl.username}`, auth.ssl && `TLS${auth.ssl.caFile ? ` (CA ${auth.ssl.caFile})` : ''}`].filter(Boolean);
  return parts.length > 0 ? parts.join('; ') : 'none';
}

/** The `sasl` and `ssl` options of a KafkaJS-style client configuration (kafkajs, and librdkafka's KafkaJS API). */
export async function kafkaJsAuthOptions(auth: KafkaAuth = {}): Promise<{ sasl?: { mechanism: string; username: string; password: string }; ssl?: boolean | { ca: string[] } }> {
  return {
    ...(auth.sasl ? { sasl: { ...auth.sasl } } : {}),
    ...(auth.ssl ? { ssl: auth.ssl.caFile ? { ca: [await readFile(auth.ssl.caFile, 'utf8')] } : true } : {}),
  };
}

/** librdkafka properties for `auth` where its KafkaJS API takes them as properties (the CA file). */
export function librdkafkaAuthProperties(auth: KafkaAuth = {}): Record<string, string> {
  return auth.ssl?.caFile ? { 'ssl.ca.location': auth.ssl.caFile } : {};
}

/** librdkafka's own properties for `auth` (its native API): security.protocol, the SASL mechanism and login, the CA. */
export function librdkafkaNativeAuthProperties(auth: KafkaAuth = {}): Record<string, string> {
  if (!auth.sasl && !auth.ssl) return {};
  return {
    'security.protocol': `${auth.sasl ? 'sasl_' : ''}${auth.ssl ? 'ssl' : 'plaintext'}`,
    ...(auth.sasl ? { 'sasl.mechanisms': auth.sasl.mechanism.toUpperCase(), 'sasl.username': auth.sasl.username, 'sasl.password': auth.sasl.password } : {}),
    ...librdkafkaAuthProperties(auth),
  };
}

/** The Java client properties for `auth` (security.protocol, sasl.mechanism, sasl.jaas.config, a PEM trust store). */
export function javaClientProperties(auth: KafkaAuth = {}): Record<string, string> {
  if (!auth.sasl && !auth.ssl) return {};
  const properties: Record<string, string> = { 'security.protocol': `${auth.sasl ? 'SASL_' : ''}${auth.ssl ? 'SSL' : 'PLAINTEXT'}` };
  if (auth.sasl) {
    const module = auth.sasl.mechanism === 'plain' ? 'org.apache.kafka.common.security.plain.PlainLoginModule' : 'org.apache.kafka.common.security.scram.ScramLoginModule';
    const quote = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    properties['sasl.mechanism'] = auth.sasl.mechanism.toUpperCase();
    properties['sasl.jaas.config'] = `${module} required username=${quote(auth.sasl.username)} password=${quote(auth.sasl.password)};`;
  }
  if (auth.ssl?.caFile) Object.assign(properties, { 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': auth.ssl.caFile });
  return properties;
}

/**
 * Runs `use` with the path of a client configuration file holding `auth` (mode 0600, removed afterwards), or with
 * no path when there is nothing to authenticate: credentials never appear on a command line.
 */
export async function withClientConfig<T>(auth: KafkaAuth | undefined, use: (path: string | undefined) => Promise<T>): Promise<T> {
  const properties = javaClientProperties(auth);
  if (Object.keys(properties).length === 0) return use(undefined);
  const text = `${Object.entries(properties).map(([key, value]) => `${key}=${value.replace(/\\/g, '\\\\')}`).join('\n')}\n`;
  return withPrivateFile('client.properties', text, use);
}
