import fs from 'node:fs';

/**
 * Writes a file whole or not at all: to a temporary name beside it (this process's own), then
 * renamed over it — a process stopped halfway, or another writing the same file, leaves no
 * half-written file behind.
 */
export function writeFileWhole(file: string, text: string): void {
  const temporary = `${file}.${process.pid}`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}
