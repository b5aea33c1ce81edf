import test from 'ava';
import { Command } from 'commander';
import { addNatFlags, type NatFlags, natOptions } from '../../cli/nat-flags.ts';

/** The Peer `nat` option a command line stands for, through commander as the CLI parses it. */
function natFrom(args: string[]) {
  const command = addNatFlags(new Command()).exitOverride();
  command.parse(args, { from: 'user' });
  return natOptions(command.opts<NatFlags>()).nat;
}

const flags = test.macro({
  exec: (t, args: string[], expected: ReturnType<typeof natFrom>) =>
    t.deepEqual(natFrom(args), expected),
  title: (_, args: string[]) => `nat flags: ${args.join(' ') || '(none)'}`,
});

// On by default: the chat server is the STUN server and the relay is the fallback.
test(flags, [], { stun: 'server', relay: true });
test(flags, ['--no-nat'], false);
test(flags, ['--no-relay'], { stun: 'server', relay: false });
test(flags, ['--stun', '203.0.113.9:3478'], {
  stun: { address: '203.0.113.9', port: 3478 },
  relay: true,
});
test(flags, ['--stun', '[2001:db8::1]:3478', '--no-relay'], {
  stun: { address: '2001:db8::1', port: 3478 },
  relay: false,
});
// --no-nat wins: a STUN server named beside it is not asked.
test(flags, ['--no-nat', '--stun', '203.0.113.9:3478'], false);

test('a STUN port out of range is refused by the parser', (t) => {
  t.throws(() => natFrom(['--stun', '203.0.113.9:70000']), { message: /bad port 70000/ });
});
