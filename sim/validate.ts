// An entry point scripts and users import: validation lives in scenario/.
export * from './scenario/validate.ts';
