// An entry point scripts and users import: the scenario lives in scenario/.
export * from './scenario/scenario.ts';
