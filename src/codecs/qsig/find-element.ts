import type { QsigElementName, QsigElementTypes } from './information-elements.js';
import type { QsigMessage } from './types.js';

/** The first element of that name, or `undefined` (e.g. `findElement(setup, 'calledPartyNumber')?.digits`). */
export function findElement<K extends QsigElementName>(message: QsigMessage, name: K): QsigElementTypes[K] | undefined {
  for (const e of message.informationElements) if (e.name === name && 'value' in e) return e.value as QsigElementTypes[K];
  return undefined;
}
