/** Every target type mqbench knows, by name. Drivers are imported only when a target is connected. */
import { rocksmqTarget } from './rocksmq/target.js';
import type { TargetDefinition } from './target.js';

const definitions: TargetDefinition<any>[] = [rocksmqTarget];

/** The target types, in display order. */
export function targetDefinitions(): readonly TargetDefinition<unknown>[] {
  return definitions;
}

/** The definition of target type `type`, or undefined. */
export function findTarget(type: string): TargetDefinition<unknown> | undefined {
  return definitions.find((definition) => definition.type === type);
}
