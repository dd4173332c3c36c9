import { encodeMoments, StreamingMoments } from "@/lib/metrics";

/** Encoded moments of `rows` deterministic 2048-d feature vectors (`shift` varies them): a run's statistics. */
export function momentBytes(rows: number, shift: number): Uint8Array {
  const m = new StreamingMoments(2048);
  const batch = new Float64Array(rows * 2048);
  for (let i = 0; i < batch.length; i++) batch[i] = Math.abs(Math.sin(i * 12.9898 + shift)) * 3;
  m.update(batch, rows);
  return encodeMoments(m);
}
