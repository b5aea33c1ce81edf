/**
 * What every scenario must keep, whatever its fault: the server still serves well-behaved
 * clients (checked after healing, as liveness), completed downloads are byte-identical, no file
 * was clobbered and no partial file was left, every error a user saw was clear, buffers stayed
 * bounded. (Unhandled exceptions are the runner's: they count as crashes.)
 */
import { join } from 'node:path';
import { WhohasError } from '../impl/errors.ts';
import { sha256 } from './records.ts';
import type { ScenarioWorld } from './world.ts';

/** An `ERROR` line is `ERROR|<CODE>|<text>`, the code stable and the text non-empty. */
const CLEAR_ERROR_LINE = /^ERROR\|[A-Z][A-Z0-9_]*\|[^|]*\S[^|]*$/;
const TEMP_FILE = /^\.whohas-/;

export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new WhohasError('INVARIANT', message);
}

/**
 * After healing: every well-behaved client that is still expected to be there round-trips a
 * message, and a newcomer can log in to every server that is up.
 */
export async function probeLiveness(world: ScenarioWorld): Promise<void> {
  let n = 0;
  for (const record of world.clients) {
    if (!record.wellBehaved || record.retired) continue;
    const { client } = record;
    invariant(!client.isClosed, `well-behaved client ${client.label} was disconnected`);
    const text = `liveness ${++n}`;
    client.send(`@me|${text}`);
    await world.until(client.expect(`#me|${text}`));
  }
  for (const server of world.servers) if (server.up) await world.probe(server);
  for (const check of world.liveness) await check();
}

export async function checkInvariants(world: ScenarioWorld): Promise<void> {
  const problems: string[] = [];
  for (const transcript of world.transcripts) {
    for (const line of transcript.lines) {
      if (line.startsWith('ERROR') && !CLEAR_ERROR_LINE.test(line)) {
        problems.push(
          `${transcript.label} received an unclear error line: ${JSON.stringify(line)}`,
        );
      }
    }
  }
  for (const error of world.userErrors) {
    if (!(error instanceof WhohasError)) {
      problems.push(`a user saw an error without a code: ${String(error)}`);
    } else if (error.message.trim() === '') {
      problems.push(`a user saw ${error.code} without an explanation`);
    }
  }
  for (const file of world.seeded) {
    const bytes = await world.until(file.host.platform.fs.readFile(file.path)).catch(() => null);
    if (bytes === null) problems.push(`${file.host.name}:${file.path} disappeared`);
    else if (sha256(bytes) !== file.sha256) problems.push(`${file.host.name}:${file.path} changed`);
  }
  for (const file of world.completed) {
    const bytes = await world.until(file.host.platform.fs.readFile(file.path)).catch(() => null);
    if (bytes === null) problems.push(`completed download ${file.host.name}:${file.path} is gone`);
    else if (sha256(bytes) !== file.sha256) {
      problems.push(`completed download ${file.host.name}:${file.path} differs from its source`);
    }
  }
  for (const { host, dir } of world.downloadFolders) {
    const expected = new Set(
      [...world.seeded, ...world.completed].filter((f) => f.host === host).map((f) => f.path),
    );
    const entries = await world.until(host.platform.fs.list(dir)).catch(() => []);
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (TEMP_FILE.test(entry.name)) {
        // A process killed mid-download cannot clean up; its temp name says what it is.
        if (!world.wasCrashed(host.name)) problems.push(`partial file left: ${host.name}:${path}`);
      } else if (!expected.has(path)) problems.push(`unexpected file: ${host.name}:${path}`);
    }
  }
  problems.push(...bufferProblems(world));
  invariant(problems.length === 0, problems.join('\n'));
}

/** Buffers past their bounds, on every server that ran. */
export function bufferProblems(world: ScenarioWorld): string[] {
  const problems: string[] = [];
  for (const { server, meter, host } of world.servers) {
    const { maxOutboxBytes, maxLineBytes, maxConnections } = server.limits;
    // One line may land on top of a full outbox: that write is what trips the cut-off.
    const bound = maxOutboxBytes + maxLineBytes + 64;
    if (meter.maxWritableLength > bound) {
      problems.push(
        `server on ${host.name}: an outbox reached ${meter.maxWritableLength} bytes (bound ${bound})`,
      );
    }
    if (server.stats.connections !== meter.open) {
      problems.push(
        `server on ${host.name}: counts ${server.stats.connections} connections, ${meter.open} are open`,
      );
    }
    if (meter.open > maxConnections) {
      problems.push(
        `server on ${host.name}: ${meter.open} connections open (cap ${maxConnections})`,
      );
    }
    if (server.stats.users > server.stats.connections) {
      problems.push(`server on ${host.name}: more users than connections`);
    }
  }
  return problems;
}
