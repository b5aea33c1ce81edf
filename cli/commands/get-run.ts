/**
 * The action of `whohas get` (its options: get.ts), loaded only when it runs: one download and out. Logs in and joins the room
 * (never creates it: a new room is empty, so nobody could answer), asks whohas (or only --from),
 * and downloads the content most owners hold (or --sha256's): in chunks from up to --sources
 * owners at once, resuming what an interrupted run kept, or whole from the first responder with
 * fallback to the next when the owners announce no tree. Prints the statistics: a summary, or
 * with --json exactly one JSON object on stdout. The file is verified (size and SHA-256) before
 * it is committed. Exit 0 on success, 1 otherwise.
 */
import { resolve } from 'node:path';
import { isWhohasError, WhohasError } from '../../impl/errors.ts';
import { type DownloadResult, Peer } from '../../impl/peer/index.ts';
import { createNodePlatform } from '../../impl/platform/node.ts';
import { keyOptions } from '../key-options.ts';
import { checkNameFlag } from '../name-flag.ts';
import { natOptions } from '../nat-flags.ts';
import { DownloadBars } from '../progress.ts';
import { securityOptions } from '../security-options.ts';
import { failuresJson, failuresOf, routedSummary, statsJson } from '../transfer-format.ts';
import type { GetFlags } from './get.ts';

/**
 * After the first owner answers whohas, how long at least `get` waits for the others (or twice
 * the first one's delay): owners on one LAN answer within milliseconds of each other.
 */
const GET_SETTLE_MS = 100;

/** The receiver re-acknowledges a lost final ACK this long; a one-shot need not wait 3 s. */
const GET_LINGER_MS = 1000;

/** The download `whohas get` stands for; the exit code. */
export async function get(file: string, flags: GetFlags): Promise<number> {
  checkNameFlag(flags.name);
  const platform = createNodePlatform();
  const folder = resolve(flags.out);
  const peer = new Peer({
    ...securityOptions(flags, platform, folder),
    ...(await keyOptions(flags, platform, folder, (line) => console.error(line))),
    ...natOptions(flags),
    platform,
    name: flags.name,
    server: flags.server,
    folder,
    share: false,
    window: flags.window,
    arq: flags.arq,
    packetSize: flags.packetSize,
    transfer: { lingerMs: GET_LINGER_MS, idleTimeoutMs: flags.idleTimeout },
  });
  const bars = new DownloadBars(!flags.json && process.stderr.isTTY === true);
  try {
    await peer.connect();
    await peer.join(flags.room, { password: flags.password });
    // Starts once the answers settle after the first one, not at the end of --wait.
    const responders =
      flags.from ?? (await peer.whohas(file, { waitMs: flags.wait, settleMs: GET_SETTLE_MS }));
    if (responders.length === 0) {
      throw new WhohasError('NO_RESPONDERS', `nobody in room ${flags.room} shares ${file}`);
    }
    const result = await peer.getFile(responders, file, {
      waitMs: flags.wait,
      sources: flags.sources,
      sha256: flags.sha256,
      onProgress: (bytes, size, from) => bars.update(file, file, from, bytes, size),
    });
    bars.stop();
    report(file, result, flags);
    return 0;
  } catch (error) {
    bars.stop();
    reportFailure(file, error, flags);
    return 1;
  } finally {
    await peer.close();
  }
}

function report(file: string, result: DownloadResult, flags: GetFlags): void {
  if (flags.json) {
    const json = {
      ok: true,
      file,
      // How the bytes came (docs/PROTOCOL.md, "NAT traversal"): punched or the LAN way is
      // direct; the pair is there when NAT traversal chose it.
      path: result.route ?? 'direct',
      pair: result.pair,
      saved: result.path,
      from: result.from.user,
      size: result.from.size,
      window: flags.window,
      arq: flags.arq,
      packetSize: flags.packetSize,
      verified: 'sha256',
      sha256: result.sha256,
      stats: statsJson(result.stats),
      sources: result.sources,
      resumedBytes: result.resumedBytes,
      disagreement: result.disagreement,
      failures: failuresJson(result.failures),
    };
    process.stdout.write(`${JSON.stringify(json)}\n`);
    return;
  }
  for (const failure of result.failures) {
    process.stderr.write(
      `${failure.user} could not deliver: ${failure.error.code} ${failure.error.message}\n`,
    );
  }
  if (result.disagreement) process.stderr.write(`note: ${result.disagreement}\n`);
  if (result.sources.length > 1 || result.resumedBytes > 0) {
    const by = result.sources.map((s) => `${s.user} ${s.chunks} chunks ${s.bytes} B`).join(', ');
    process.stderr.write(`sources: ${by}; resumed ${result.resumedBytes} B\n`);
  }
  // One write: a reader that stops after the first line (| head -1) does not break the second.
  process.stdout.write(
    `${routedSummary(file, result.from.user, 'from', result)}\nsaved ${result.path} (size and SHA-256 verified)\n`,
  );
}

function reportFailure(file: string, error: unknown, flags: GetFlags): void {
  const code = isWhohasError(error) ? error.code : 'IO_ERROR';
  const message = error instanceof Error ? error.message : String(error);
  if (flags.json) {
    const failures = isWhohasError(error) ? failuresJson(failuresOf(error)) : [];
    process.stdout.write(`${JSON.stringify({ ok: false, file, code, message, failures })}\n`);
  }
  process.stderr.write(`whohas get: ${code}: ${message}\n`);
}
