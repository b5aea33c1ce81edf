/** A self-signed certificate for `whohas server --tls` (loaded on demand by tls-flags.ts). */
import { generate } from 'selfsigned';

export async function selfSigned(): Promise<{ cert: string; private: string }> {
  return generate([{ name: 'commonName', value: 'whohas server' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    // Peers pin the fingerprint and check no dates; ten years keeps other TLS tools quiet.
    notAfterDate: new Date(Date.now() + 3650 * 86_400_000),
  });
}
