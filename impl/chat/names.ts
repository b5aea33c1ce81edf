export { isReservedUsername, nameKey, nameProblem } from './wire.ts';
export const normalizeName = (name: string): string => name;
