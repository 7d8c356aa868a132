/** Every target type mqbench knows, by name. Drivers are imported only when a target is connected. */
import { kafkaTarget } from './kafka/target.js';
import { milvusTarget } from './milvus/target.js';
import { natsTarget } from './nats/target.js';
import { pulsarTarget } from './pulsar/target.js';
import { rocksmqTarget } from './rocksmq/target.js';
import type { TargetDefinition } from './target.js';
import { walTarget } from './wal/target.js';
import { woodpeckerTarget } from './woodpecker/target.js';

const definitions: TargetDefinition<any>[] = [rocksmqTarget, natsTarget, kafkaTarget, pulsarTarget, walTarget, woodpeckerTarget, milvusTarget];

/** The target types, in display order. */
export function targetDefinitions(): readonly TargetDefinition<unknown>[] {
  return definitions;
}

/** The definition of target type `type`, or undefined. */
export function findTarget(type: string): TargetDefinition<unknown> | undefined {
  return definitions.find((definition) => definition.type === type);
}

/** Adds a target type (for plugins and tests); returns a function that removes it again. */
export function registerTarget(definition: TargetDefinition<any>): () => void {
  if (findTarget(definition.type)) throw new Error(`target type ${definition.type} is already registered`);
  definitions.push(definition);
  return () => {
    const index = definitions.indexOf(definition);
    if (index >= 0) definitions.splice(index, 1);
  };
}
