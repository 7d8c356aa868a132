/**
 * The milvus target: a real Milvus endpoint (external provider only) for the vector workload. Start one with a
 * docker-compose.milvus.yml profile (mq.type rocksmq, natsmq, pulsar, kafka or woodpecker) and point mqbench at it.
 */
import { readSecretFile } from '../../util/secret-files.js';
import type { MilvusCredentials, MilvusIndexType } from './backend.js';
import { z } from 'zod';
import type { VectorStore } from '../vector-store.js';
import { externalAvailability } from '../availability.js';
import type { Availability, TargetDefinition } from '../target.js';
import { errorMessage } from '../../util/errors.js';
import { withTimeout } from '../../util/timeout.js';
import { COLLECTION_CONSISTENCY } from './consistency.js';
import { milvusLiteInstaller } from './lite.js';
import { impossibleMqType, MILVUS_MQ_MATRIX, MILVUS_MQ_TYPES, type MilvusMqType } from './mq-types.js';

/** Settings of the milvus target. */
export const milvusSettingsSchema = z
  .object({
    address: z.string().optional().describe('host:port of Milvus (default: MQBENCH_MILVUS_ADDRESS, else 127.0.0.1:19530)'),
    mqType: z
      .enum(Object.keys(MILVUS_MQ_TYPES) as [MilvusMqType, ...MilvusMqType[]])
      .optional()
      .describe(`the mq.type the server was started with (recorded in the manifest). ${MILVUS_MQ_MATRIX}`),
    version: z
      .string()
      .regex(/^2\.\d+(\.\d+)?$/, 'a Milvus release such as "2.5" or "2.6.3"')
      .optional()
      .describe('the Milvus release the server runs, checked against mqType (the server reports its own at connect)'),
    deployment: z.enum(['standalone', 'cluster']).default('standalone').describe('rocksmq and natsmq run only in a standalone Milvus'),
    indexType: z
      .enum(['HNSW', 'AUTOINDEX'])
      .default('HNSW')
      .describe("the vector index: HNSW with the workload's M, efConstruction and efSearch, or AUTOINDEX, the server's own choice (Zilliz Cloud and Milvus Lite take only that)"),
    username: z.string().optional().describe('for a Milvus with authentication (or MQBENCH_MILVUS_USER)'),
    password: z.string().optional().describe('prefer passwordFile or MQBENCH_MILVUS_PASSWORD: a scenario file is copied into results (redacted)'),
    passwordFile: z.string().optional(),
    token: z.string().optional().describe('"user:password" or an API key (or tokenFile, MQBENCH_MILVUS_TOKEN)'),
    tokenFile: z.string().optional(),
  })
  .strict()
  .superRefine((settings, context) => {
    const reason = settings.mqType ? impossibleMqType(settings.mqType, settings.version, settings.deployment) : undefined;
    if (reason) context.addIssue({ code: 'custom', path: ['mqType'], message: reason });
  });

type MilvusSettings = z.output<typeof milvusSettingsSchema>;

/** Credentials from the settings, files or MQBENCH_MILVUS_USER / _PASSWORD / _TOKEN (never written into a result). */
export async function milvusCredentials(settings: Pick<MilvusSettings, 'username' | 'password' | 'passwordFile' | 'token' | 'tokenFile'>, env: NodeJS.ProcessEnv = process.env): Promise<MilvusCredentials> {
  const username = settings.username ?? env.MQBENCH_MILVUS_USER;
  const password = settings.password ?? (await readSecretFile(settings.passwordFile, 'settings.passwordFile')) ?? env.MQBENCH_MILVUS_PASSWORD;
  const token = settings.token ?? (await readSecretFile(settings.tokenFile, 'settings.tokenFile')) ?? env.MQBENCH_MILVUS_TOKEN;
  if (username !== undefined && password === undefined) throw new Error('Milvus user given without a password (settings.password, passwordFile or MQBENCH_MILVUS_PASSWORD)');
  return { ...(username !== undefined ? { username, password } : {}), ...(token !== undefined ? { token } : {}) };
}

const VERSION_TIMEOUT_MS = 10_000;


/** Definition of the milvus target type. */
export const milvusTarget: TargetDefinition<MilvusSettings> = {
  type: 'milvus',
  title: 'a real Milvus endpoint (vector workload only)',
  environment: [
    { name: 'MQBENCH_MILVUS_ADDRESS', kind: 'setting', setting: 'address', description: 'host:port of Milvus (default 127.0.0.1:19530)' },
    { name: 'MQBENCH_MILVUS_USER', kind: 'secret', description: 'user name for a Milvus with authentication' },
    { name: 'MQBENCH_MILVUS_PASSWORD', kind: 'secret', description: 'its password' },
    { name: 'MQBENCH_MILVUS_TOKEN', kind: 'secret', description: 'a token instead' },
  ],
  kind: 'server',
  // Not a way to run the target: Milvus Lite has no message queue. The tests run the target's client against it.
  installer: milvusLiteInstaller,
  settingsSchema: milvusSettingsSchema,
  workloads: ['vector'],

  async availability(settings?: MilvusSettings): Promise<Availability[]> {
    return [
      externalAvailability({
        configured: settings?.address,
        setting: 'settings.address',
        variable: 'MQBENCH_MILVUS_ADDRESS',
        nothing: `no Milvus configured (${MILVUS_MQ_MATRIX})`,
        fix: 'start one (docker compose -f docker-compose.milvus.yml --profile natsmq up -d: 2.5; --profile woodpecker: 2.6) and set settings.address or MQBENCH_MILVUS_ADDRESS',
      }),
    ];
  },

  async provision(provider, context) {
    if (provider !== 'external') throw new Error('the milvus target only uses the external provider: start Milvus with docker-compose.milvus.yml');
    const settings = context.settings as MilvusSettings;
    const address = settings.address ?? '127.0.0.1:19530';
    const described = { address, mqType: settings.mqType ?? 'unknown', deployment: settings.deployment, indexType: settings.indexType, ...(settings.version ? { version: settings.version } : {}) };
    const credentials = await milvusCredentials(settings);
    const authentication = credentials.username !== undefined ? `user ${credentials.username} with a password` : credentials.token !== undefined ? 'token' : 'none';
    return { provider, endpoint: { ...described, credentials }, storage: { kind: 'none', reason: 'external Milvus' }, info: { ...described, authentication }, stop: async () => undefined };
  },

  async connect(endpoint) {
    const { MilvusBackend, serverVersion } = await import('./backend.js');
    const address = String(endpoint.address);
    // Asked now: describe() runs before any backend exists.
    const credentials = (endpoint.credentials ?? {}) as MilvusCredentials;
    const indexType = (endpoint.indexType as MilvusIndexType | undefined) ?? 'HNSW';
    const version = await withTimeout(serverVersion(address, credentials), VERSION_TIMEOUT_MS, 'asking Milvus for its version').catch((error: unknown) => `unknown (${errorMessage(error)})`);
    // The server's own version against the mq.type the scenario says it runs.
    const mqType = endpoint.mqType as MilvusMqType | 'unknown';
    const impossible = mqType === 'unknown' ? undefined : impossibleMqType(mqType, version.replace(/^v/, ''), (endpoint.deployment as 'standalone' | 'cluster' | undefined) ?? 'standalone');
    if (impossible) throw new Error(`the Milvus at ${address} reports version ${version}, but the scenario says mq.type ${mqType}: ${impossible}`);
    const store: VectorStore = {
      async describe() {
        return {
          broker: { name: `Milvus (mq.type ${String(endpoint.mqType)})`, version },
          client: { name: '@zilliz/milvus2-sdk-node', version: (await import('../../util/package-version.js')).packageVersion('@zilliz/milvus2-sdk-node') },
          durability: { mqType: String(endpoint.mqType), fsyncBeforeAck: null },
          settings: { address, indexType },
          notes: [
            "reads wait for Milvus's serviceable time inside the server; waitedMs is not observable from the client",
            `the collection's default consistency is ${COLLECTION_CONSISTENCY}, so Strong searches stay Strong (the SDK sends 0, Strong, as "the collection's default")`,
            "Session searches and queries carry the last insert's timestamp as their guarantee (searches through the SDK's request builder, with the field its search() leaves out)",
          ],
        };
      },
      async close() {},
      vectorBackend(spec) {
        return new MilvusBackend(address, `mqbench_${Date.now().toString(36)}`, spec, { credentials, indexType });
      },
    };
    return store;
  },
};
