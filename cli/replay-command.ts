/** The command line with the seed made explicit: the one command that replays this sweep. */
export function replayCommand(seed: number): string {
  const args = process.argv.slice(2);
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--seed') i++;
    else if (!args[i].startsWith('--seed=')) kept.push(args[i]);
  }
  return ['whohas', ...kept, '--seed', String(seed)].map(quote).join(' ');
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}
