import { describe, expect, it } from 'vitest';
import type { TraceLine } from './observer.ts';
import { contactEntity, groupEntity, parseRecordEntity, phoneOfContactEntity, recordEntity, recoveryTimerEntity } from './traceEntities.ts';
import type { KnownTraceLine, TimerEvent, TraceLineKinds } from './traceLineTypes.ts';
import { TRACE_LINE_KINDS } from './traceLines.ts';

/**
 * The trace's two descriptions agree: the catalogue (sim/traceLines.ts, what
 * the schema, the README and the Ajv test read) and the union the emit sites
 * are checked against (sim/traceLineTypes.ts). Most of it is checked by the
 * compiler: npx tsc fails here when a kind's events or fields differ.
 */

type Catalogue = typeof TRACE_LINE_KINDS;

/** The TypeScript type of a field's JSON type. */
type ValueOf<F> = F extends { type: 'integer' | 'number' }
  ? number
  : F extends { type: 'string' }
    ? string
    : F extends { type: 'boolean' }
      ? boolean
      : F extends { type: 'object' }
        ? object
        : never;
type Flat<T> = { -readonly [K in keyof T]: T[K] };
type Required<Fs> = { -readonly [N in keyof Fs as Fs[N] extends { optional: true } ? never : N]: ValueOf<Fs[N]> };
type Optional<Fs> = { -readonly [N in keyof Fs as Fs[N] extends { optional: true } ? N : never]?: ValueOf<Fs[N]> };
type EventOf<K> = K extends { events: readonly (infer E)[] } ? E | (K extends { eventPattern: '^xstate\\.after\\.' } ? TimerEvent : never) : never;

/** A line of a catalogue kind, as a type; its entity a string (the catalogue has it as a pattern, checked below). */
type LineOfKind<K> = K extends { fields: infer Fs } ? Flat<{ t: number; entity: string; event: EventOf<K> } & Required<Fs> & Optional<Fs>> : never;
/** A member of the union, its entity widened to compare with the catalogue's. */
type WithAnyEntity<L> = Flat<Omit<L, 'entity'> & { entity: string }>;

/** Identical types (each assignable to the other, and optional where the other is). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** The positions in the catalogue ('0', '1', ...). */
type Position = Exclude<keyof Catalogue, keyof unknown[]>;
/** The positions at which the catalogue's kind and the union's member differ: none. */
type Disagreeing = {
  [I in Position]: I extends keyof TraceLineKinds ? (Equal<LineOfKind<Catalogue[I]>, WithAnyEntity<TraceLineKinds[I]>> extends true ? never : I) : I;
}[Position];

describe('the trace line union and the catalogue', () => {
  it('agree kind by kind, both ways: events, fields, their types and which are optional', () => {
    const disagreeing: [Disagreeing] extends [never] ? 'none' : Disagreeing = 'none';
    const sameCount: Equal<Catalogue['length'], TraceLineKinds['length']> = true;
    expect([disagreeing, sameCount]).toEqual(['none', true]);
  });

  it('every line the run writes is a TraceLine to the trace readers', () => {
    const asRead = (line: KnownTraceLine): TraceLine => line;
    expect(asRead({ t: 0, entity: 'run', event: 'end', unconfirmed: 0 }).event).toBe('end');
  });

  it("the entity names the helpers build fit their kinds' patterns", () => {
    const patternOf = (event: string) => new RegExp(TRACE_LINE_KINDS.find((k) => (k.events as readonly string[]).includes(event))!.entity.pattern);
    expect(recordEntity('G-1', 0)).toMatch(patternOf('POST'));
    expect(recordEntity('G-1', 1)).toMatch(patternOf('created'));
    expect(groupEntity('Sales')).toMatch(patternOf('START'));
    expect(recoveryTimerEntity('Sales')).toMatch(patternOf('START'));
    expect(contactEntity('5551234')).toMatch(patternOf('dial'));
  });

  it('names taken apart give back what built them, and other names nothing', () => {
    expect(parseRecordEntity(recordEntity('0A1B-2C', 1))).toEqual({ guid: '0A1B-2C', seq: 1 });
    expect(parseRecordEntity(recordEntity('0A1B-2C', 0))).toEqual({ guid: '0A1B-2C', seq: 0 });
    for (const other of ['record:G:2', 'record:0', 'record::1', 'contact:1', 'validation:L/1', 'group:x:1', 'run'])
      expect(parseRecordEntity(other), other).toBeNull();
    expect(phoneOfContactEntity(contactEntity('555:12'))).toBe('555:12');
    expect(phoneOfContactEntity(recordEntity('G', 1))).toBeNull();
  });
});
