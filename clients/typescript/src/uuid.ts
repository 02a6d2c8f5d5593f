import { randomFillSync } from "node:crypto";

/** A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random; made in the client, kept across retries. */
export function uuidv7(now: number = Date.now()): string {
  const b = new Uint8Array(16);
  randomFillSync(b);
  let ms = BigInt(now);
  for (let i = 5; i >= 0; i--) {
    b[i] = Number(ms & 0xffn);
    ms >>= 8n;
  }
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
