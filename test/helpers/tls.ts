/** A throw-away self-signed certificate for TLS tests (the `selfsigned` library, as the CLI). */
import { generate } from 'selfsigned';
import { certificateFingerprint } from '../../cli/tls-options.ts';
import type { TlsServerOptions } from '../../impl/platform/types.ts';

export async function testCertificate(): Promise<TlsServerOptions & { fingerprint: string }> {
  const made = await generate([{ name: 'commonName', value: 'whohas test' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
  });
  return { cert: made.cert, key: made.private, fingerprint: certificateFingerprint(made.cert) };
}
