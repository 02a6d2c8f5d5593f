import { promises as fsp, mkdirSync, openSync, readSync, closeSync, statSync, appendFileSync, existsSync, readFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Where events wait, in order, until the collector took them. The file store is a journal
 * (NDJSON, one event per line) and a sidecar with how far it was sent: a restart, or a process
 * killed with events queued, resumes from there. A line sent but not yet marked is sent again;
 * the collector counts an eventId once.
 */
export interface Store {
  append(lines: string[]): Promise<boolean>;
  /** Up to `max` lines from the oldest not yet taken, and the position after them. */
  peek(max: number): Promise<{ lines: string[]; next: number }>;
  commit(position: number): Promise<void>;
  bytes(): number;
  /** Synchronous last resort on process exit. */
  appendSync(lines: string[]): void;
}

export class MemoryStore implements Store {
  private lines: string[] = [];
  private size = 0;
  constructor(private readonly maxBytes: number) {}

  async append(lines: string[]): Promise<boolean> {
    const add = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    if (this.size + add > this.maxBytes) {
      return false;
    }
    this.lines.push(...lines);
    this.size += add;
    return true;
  }

  async peek(max: number): Promise<{ lines: string[]; next: number }> {
    const lines = this.lines.slice(0, max);
    return { lines, next: lines.length };
  }

  async commit(position: number): Promise<void> {
    const taken = this.lines.splice(0, position);
    this.size -= taken.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
  }

  bytes(): number {
    return this.size;
  }

  appendSync(): void {
    // nowhere to keep them: memory ends with the process
  }
}

export class FileStore implements Store {
  private readonly offsetFile: string;
  private offset: number;
  private size: number;

  constructor(private readonly path: string, private readonly maxBytes: number) {
    mkdirSync(dirname(path), { recursive: true });
    this.offsetFile = path + ".sent";
    this.size = existsSync(path) ? statSync(path).size : 0;
    const saved = existsSync(this.offsetFile) ? Number.parseInt(readFileSync(this.offsetFile, "utf8").trim(), 10) : 0;
    this.offset = Number.isFinite(saved) && saved >= 0 && saved <= this.size ? saved : 0;
    if (this.size > 0) {
      // A line torn by a crash (no newline) would join the next one: end it, the reader skips what is not JSON.
      const fd = openSync(path, "r");
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, this.size - 1);
      closeSync(fd);
      if (last[0] !== 0x0a) {
        appendFileSync(path, "\n");
        this.size++;
      }
    }
  }

  async append(lines: string[]): Promise<boolean> {
    const data = lines.map((l) => l + "\n").join("");
    const add = Buffer.byteLength(data);
    if (this.size - this.offset + add > this.maxBytes) {
      return false;
    }
    await fsp.appendFile(this.path, data);
    this.size += add;
    return true;
  }

  async peek(max: number): Promise<{ lines: string[]; next: number }> {
    if (this.offset >= this.size) {
      return { lines: [], next: this.offset };
    }
    const handle = await fsp.open(this.path, "r");
    try {
      const chunk = Buffer.alloc(Math.min(this.size - this.offset, 4 * 1024 * 1024));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, this.offset);
      const lines: string[] = [];
      let start = 0;
      let pos = this.offset;
      for (let i = 0; i < bytesRead && lines.length < max; i++) {
        if (chunk[i] === 0x0a) {
          const line = chunk.subarray(start, i).toString("utf8");
          if (line.trim().startsWith("{")) {
            lines.push(line);
          }
          start = i + 1;
          pos = this.offset + start;
        }
      }
      return { lines, next: pos };
    } finally {
      await handle.close();
    }
  }

  async commit(position: number): Promise<void> {
    this.offset = position;
    if (this.offset >= this.size) {
      // All sent: start the journal again instead of letting it grow.
      await fsp.writeFile(this.path, "");
      this.size = 0;
      this.offset = 0;
    }
    const tmp = this.offsetFile + ".tmp";
    await fsp.writeFile(tmp, String(this.offset));
    await fsp.rename(tmp, this.offsetFile);
  }

  bytes(): number {
    return this.size - this.offset;
  }

  appendSync(lines: string[]): void {
    if (lines.length === 0) {
      return;
    }
    const data = lines.map((l) => l + "\n").join("");
    appendFileSync(this.path, data);
    this.size += Buffer.byteLength(data);
  }
}

