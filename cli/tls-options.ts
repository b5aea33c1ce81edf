/** The certificate and key the TLS flags (tls-flags.ts) stand for, loaded only when the server runs. */
import { createHash, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { groupHex } from '../impl/peer/server-trust.ts';
import type { TlsServerOptions } from '../impl/platform/types.ts';
import type { TlsFlags } from './tls-flags.ts';

/** SHA-256 of a PEM certificate's DER: the fingerprint peers pin. */
export function certificateFingerprint(certPem: string): string {
  return createHash('sha256').update(new X509Certificate(certPem).raw).digest('hex');
}

/** The certificate and key the flags stand for, or undefined without --tls; made if missing. */
export async function serverTls(
  flags: TlsFlags,
  say: (line: string) => void,
): Promise<TlsServerOptions | undefined> {
  if (!flags.tls) {
    if (flags.cert || flags.key) throw new InvalidArgumentError('--cert and --key need --tls');
    return undefined;
  }
  if ((flags.cert === undefined) !== (flags.key === undefined)) {
    throw new InvalidArgumentError('--cert and --key go together');
  }
  let tls: TlsServerOptions;
  if (flags.cert && flags.key) {
    tls = { cert: await readFile(flags.cert, 'utf8'), key: await readFile(flags.key, 'utf8') };
  } else {
    tls = await stateCertificate(resolve(flags.state), say);
  }
  say(`TLS certificate fingerprint (SHA-256) ${groupHex(certificateFingerprint(tls.cert))}`);
  return tls;
}

async function stateCertificate(
  dir: string,
  say: (line: string) => void,
): Promise<TlsServerOptions> {
  const certPath = join(dir, 'tls-cert.pem');
  const keyPath = join(dir, 'tls-key.pem');
  try {
    return { cert: await readFile(certPath, 'utf8'), key: await readFile(keyPath, 'utf8') };
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
  // Loaded only to make a certificate: selfsigned and its ASN.1 stack are a third of the bundle.
  const { selfSigned } = await import('./self-signed.ts');
  const made = await selfSigned();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(keyPath, made.private, { mode: 0o600 });
  await chmod(keyPath, 0o600);
  await writeFile(certPath, made.cert);
  say(`made a self-signed certificate in ${dir}`);
  return { cert: made.cert, key: made.private };
}
