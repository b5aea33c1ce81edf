/**
 * `whohas sweep --pcap DIR`: a simulated point keeps its packets and writes them, whatever the
 * transfer's outcome, as one pcapng named after the point (drops and damage as packet comments,
 * sim/pcap.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Simulator } from '../../sim/index.ts';
import type { PointSpec } from '../sweep/spec.ts';

/** Simulator options for a point: capture only when a pcap folder was asked for. */
export function captureOptions(point: PointSpec): { capture: true } | undefined {
  return point.pcapDir === undefined ? undefined : { capture: true };
}

/** `0007-gbn-w16-p2048-loss0.01-seed3-r1.pcapng`: the row index first, so files sort as the CSV. */
export function pcapName(point: PointSpec): string {
  const loss = point.loss === null ? point.profile : `loss${point.loss}`;
  return `${String(point.index).padStart(4, '0')}-${point.arq}-w${point.window}-p${point.packetSize}-${loss}-seed${point.seed}-r${point.repeat}.pcapng`;
}

export async function writeCapture(sim: Simulator, point: PointSpec): Promise<void> {
  if (point.pcapDir === undefined) return;
  await mkdir(point.pcapDir, { recursive: true });
  const what = `sweep point ${point.index}: ${point.engine} ${point.arq} window ${point.window}, ${point.packetSize} B packets, ${point.profile}, loss ${point.loss ?? 'profile'}`;
  await writeFile(join(point.pcapDir, pcapName(point)), sim.pcap(what));
}
