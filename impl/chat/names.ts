/**
 * Usernames and room names (docs/PROTOCOL.md, "Names"): NFKC-normalised, refused with invisible
 * or format characters and with letters mixing scripts that look alike (UTS #39, "highly
 * restrictive"), and compared by a key built on the UTS #39 confusable skeleton, so `sеrver`
 * (Cyrillic е) is `server` and `r00t` is `root`.
 */
import unhomoglyph from 'unhomoglyph';

export const RESERVED_USERNAMES: readonly string[] = ['server', 'all', 'me', 'root'];
export const MAX_NAME_CHARS = 32;

// Whitespace, the field separators, controls (Cc), format characters (Cf: zero-width spaces and
// joiners, bidi overrides and isolates, soft hyphen...), surrogates, private use and unassigned.
const FORBIDDEN = /[\s|@#\p{Cc}]/u;
const INVISIBLE = /[\p{Cf}\p{Cs}\p{Co}\p{Cn}]/u;
// Ignorable code points that are not Cf (variation selectors, Hangul fillers, ...).
const IGNORABLE = /[\p{Default_Ignorable_Code_Point}]/u;

/** Scripts told apart; a letter of none of them counts as a script of its own ('Other'). */
const SCRIPTS: [string, RegExp][] = [
  'Latin',
  'Greek',
  'Cyrillic',
  'Armenian',
  'Hebrew',
  'Arabic',
  'Devanagari',
  'Thai',
  'Georgian',
  'Cherokee',
  'Han',
  'Hiragana',
  'Katakana',
  'Hangul',
  'Bopomofo',
].map((name) => [name, new RegExp(`\\p{Script=${name}}`, 'u')]);

/** Script sets UTS #39 allows together (Latin with the CJK scripts); any other mix is refused. */
const ALLOWED_MIXES: readonly ReadonlySet<string>[] = [
  new Set(['Latin', 'Han', 'Hiragana', 'Katakana']),
  new Set(['Latin', 'Han', 'Hangul']),
  new Set(['Latin', 'Han', 'Bopomofo']),
];

const RESERVED_KEYS = new Set(RESERVED_USERNAMES.map(nameKey));

/** The form a name is checked, stored and shown in: NFKC (fullwidth `ＥＫＯ` is `EKO`). */
export function normalizeName(name: string): string {
  return name.normalize('NFKC');
}

/**
 * The key names are stored and looked up under: the UTS #39 confusable skeleton, ignoring
 * case. Two names with one key cannot both exist.
 */
export function nameKey(name: string): string {
  // Upper case first, so the key ignores case; then the skeleton of the capitals (Cyrillic `М`
  // looks like `M`, though `м` is no `m`) and of the small letters (`rn` looks like `m`).
  const capitals = skeleton(name.normalize('NFKC').toUpperCase()).toLowerCase();
  return skeleton(capitals).toLowerCase();
}

function skeleton(text: string): string {
  return unhomoglyph(text.normalize('NFD')).normalize('NFD');
}

/** Why a (normalised) name is malformed, or undefined if it is fine. */
export function nameProblem(name: string): string | undefined {
  const chars = [...name].length;
  if (chars === 0) return 'it is empty';
  if (chars > MAX_NAME_CHARS) return `it is longer than ${MAX_NAME_CHARS} characters`;
  if (FORBIDDEN.test(name))
    return 'it contains whitespace, a control character, @, # or a vertical bar';
  if (INVISIBLE.test(name) || IGNORABLE.test(name)) {
    return 'it contains an invisible or format character';
  }
  if (mixesScripts(name))
    return 'it mixes letters of different scripts (such as Latin and Cyrillic)';
  return undefined;
}

/** `server`, `all`, `me`, `root`, or anything whose skeleton is one of them. */
export function isReservedUsername(name: string): boolean {
  return RESERVED_KEYS.has(nameKey(name));
}

function mixesScripts(name: string): boolean {
  const scripts = new Set<string>();
  for (const char of name) {
    if (!/\p{L}/u.test(char)) continue;
    const found = SCRIPTS.find(([, pattern]) => pattern.test(char));
    scripts.add(found === undefined ? 'Other' : found[0]);
  }
  if (scripts.size <= 1) return false;
  return !ALLOWED_MIXES.some((allowed) => [...scripts].every((script) => allowed.has(script)));
}
