import test from 'ava';
import { hostPort } from '../../cli/host-port.ts';
import { parseServerFlag } from '../../cli/peer-flags.ts';

// What the CLI prints for an address, `--server` reads back: IPv6 needs the brackets, or the
// port could not be told from the address's last group.
const roundTrip = test.macro((t, host: string, port: number, printed: string) => {
  t.is(hostPort(host, port), printed);
  t.deepEqual(parseServerFlag(printed), { host, port });
});

test('IPv4 as it was', roundTrip, '127.0.0.1', 50000, '127.0.0.1:50000');
test('IPv6 loopback in brackets', roundTrip, '::1', 50000, '[::1]:50000');
test('IPv6 wildcard in brackets', roundTrip, '::', 7000, '[::]:7000');
test('a documentation IPv6 address', roundTrip, '2001:db8::5', 1, '[2001:db8::5]:1');
