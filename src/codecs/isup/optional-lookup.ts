import type { IsupParameterName, IsupParameterTypes } from './params/registry.js';
import type { IsupMessage } from './types.js';

/**
 * The first optional parameter of that name, or `undefined` — the interworking layer's accessor for the ordered
 * optional part (e.g. `findOptional(iam, 'callingPartyNumber')?.digits`).
 */
export function findOptional<K extends IsupParameterName>(message: IsupMessage, name: K): IsupParameterTypes[K] | undefined {
  const list = message.optional;
  if (list === undefined) return undefined;
  for (const entry of list) if (entry.name === name && 'value' in entry) return entry.value as IsupParameterTypes[K];
  return undefined;
}

/** Every optional parameter of that name in wire order (generic number and generic notification may repeat). */
export function findAllOptional<K extends IsupParameterName>(message: IsupMessage, name: K): IsupParameterTypes[K][] {
  const out: IsupParameterTypes[K][] = [];
  for (const entry of message.optional ?? []) if (entry.name === name && 'value' in entry) out.push(entry.value as IsupParameterTypes[K]);
  return out;
}
