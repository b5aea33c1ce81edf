/**
 * The console's colours (picocolors): on only for a terminal, never with NO_COLOR set (any
 * value, https://no-color.org), forced with FORCE_COLOR. picocolors alone would also colour a pipe
 * whenever CI is set; a person's transcript piped to a file must stay plain.
 */
import pc from 'picocolors';

export type Colors = ReturnType<typeof pc.createColors>;

export function colorsEnabled(
  env: NodeJS.ProcessEnv = process.env,
  stream: { isTTY?: boolean } = process.stdout,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export function consoleColors(enabled = colorsEnabled()): Colors {
  return pc.createColors(enabled);
}
