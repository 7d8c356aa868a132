/**
 * Which mq.type a Milvus release offers (Milvus docs and release notes): rocksmq and natsmq are standalone only;
 * natsmq exists in 2.3–2.5 and was removed in 2.6; woodpecker arrived in 2.6 as its default; pulsar and kafka are in
 * every release from 2.3.
 */
export const MILVUS_MQ_TYPES = {
  rocksmq: { since: 3, standaloneOnly: true },
  natsmq: { since: 3, removedIn: 6, standaloneOnly: true },
  pulsar: { since: 3, standaloneOnly: false },
  kafka: { since: 3, standaloneOnly: false },
  woodpecker: { since: 6, standaloneOnly: false },
} as const satisfies Record<string, { since: number; removedIn?: number; standaloneOnly: boolean }>;

/** An mq.type Milvus knows. */
export type MilvusMqType = keyof typeof MILVUS_MQ_TYPES;

/** The matrix in one line, for `mqbench targets` and messages. */
export const MILVUS_MQ_MATRIX =
  'mq.type by Milvus release: rocksmq 2.3+ (standalone only), natsmq 2.3–2.5 (standalone only; removed in 2.6), pulsar and kafka 2.3+, woodpecker 2.6+ (the default from 2.6)';

/** Why Milvus `version` (e.g. "2.6.3") in `deployment` cannot run `mqType`, or undefined when it can. */
export function impossibleMqType(mqType: MilvusMqType, version: string | undefined, deployment: 'standalone' | 'cluster'): string | undefined {
  const facts: { since: number; removedIn?: number; standaloneOnly: boolean } = MILVUS_MQ_TYPES[mqType];
  if (facts.standaloneOnly && deployment === 'cluster') return `${mqType} runs only in a standalone Milvus, not a cluster`;
  const minor = version === undefined ? undefined : Number(/^2\.(\d+)/.exec(version)?.[1]);
  if (minor === undefined || Number.isNaN(minor)) return undefined;
  if (minor < facts.since) return `${mqType} arrived in Milvus 2.${facts.since}; ${version} does not have it`;
  if (facts.removedIn !== undefined && minor >= facts.removedIn) return `${mqType} was removed in Milvus 2.${facts.removedIn}; ${version} does not have it (${MILVUS_MQ_MATRIX})`;
  return undefined;
}
