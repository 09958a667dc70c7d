// The JSON Schema files in mappings/schema/ are the TypeBox schemas the loader uses (regenerate on change).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CausesFileSchema, ProfileFileSchema, jsonSchemaText } from '../../../src/interworking/mapping-schema.js';
import { SHIPPED_MAPPINGS_DIR } from '../../../src/interworking/mapping-tables.js';
import { causeClass, locationValue, toLocationToken, unspecifiedCauseOfClass } from '../../../src/interworking/q850-causes.js';

describe('mappings/schema', () => {
  it.each([
    ['profile.schema.json', ProfileFileSchema],
    ['q850-causes.schema.json', CausesFileSchema],
  ] as const)('%s matches the loader schema', (file, schema) => {
    expect(readFileSync(join(SHIPPED_MAPPINGS_DIR, 'schema', file), 'utf8')).toBe(jsonSchemaText(schema));
  });
});

describe('Q.850 helpers', () => {
  it('RFC 8606 location tokens <-> values', () => {
    expect(locationValue('U')).toBe(0);
    expect(locationValue('BI')).toBe(10);
    expect(toLocationToken('bi')).toBe('BI');
    expect(toLocationToken(7)).toBe('INTL');
    expect(toLocationToken('15')).toBe('LOC-15');
    expect(toLocationToken(16)).toBeUndefined();
    expect(toLocationToken('X')).toBeUndefined();
  });

  it('classes and the unspecified cause of a class (standards.md §7)', () => {
    expect(causeClass(17)).toBe(1);
    expect([5, 17, 34, 50, 66, 82, 99, 120].map(unspecifiedCauseOfClass)).toEqual([31, 31, 47, 63, 79, 95, 111, 127]);
  });
});
