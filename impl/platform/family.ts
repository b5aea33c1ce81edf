/**
 * The datagram socket family that can talk from `address`: an IPv6 address (it has colons)
 * needs udp6, anything else udp4. A transfer socket binds on the chat socket's local address, so
 * a peer that reached its server over IPv6 moves files over IPv6 too. Pure: both platforms use it.
 */
export function datagramTypeFor(address: string): 'udp4' | 'udp6' {
  return address.includes(':') ? 'udp6' : 'udp4';
}
