/**
 * What the benchmark scripts share: options, writing their block of a doc, seeding, child
 * processes, statistics of samples (median, quantile), a free port, and the is-this-the-script check.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { pathToFileURL } from 'node:url';

/** `--name value` from the command line, or `fallback`. */
export function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/**
 * Replaces the text between `<!-- <marker>:begin -->` and `<!-- <marker>:end -->` in `doc` with
 * `generated`; when the doc has no such block yet, appends `heading` and the block.
 */
export function writeDocBlock(doc: URL, marker: string, generated: string, heading: string): void {
  const begin = `<!-- ${marker}:begin -->`;
  const end = `<!-- ${marker}:end -->`;
  const text = readFileSync(doc, 'utf8');
  const block = `${begin}\n${generated}\n${end}`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  const next = from >= 0 && to > from ? text.slice(0, from) + block + text.slice(to + end.length) : `${text.trimEnd()}\n\n${heading}\n\n${block}\n`;
  writeFileSync(doc, next);
  console.log(`wrote ${doc.pathname}`);
}

/** Writes the deterministic sample into a fresh source database (the SQLite file of a URL). */
export async function seedSample(sourceUrl: string, sample: { stores: number; days: number; orders: number; seed: number; end: string }): Promise<void> {
  const { generateSample, openWriter } = await import('@prewarm/source');
  const dataset = generateSample(sample);
  const writer = await openWriter(sourceUrl);
  await writer.reset();
  await writer.writeStores(dataset.stores);
  await writer.writeOrders(dataset.orderBatches());
  await writer.close();
}

/** SIGTERM, then SIGKILL after 5 s; resolves when the child has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * The median: the middle sample, or the mean of the two middle samples when their number is
 * even; NaN when there is none. Does not reorder `values`.
 */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/**
 * Nearest-rank quantile of samples sorted ascending: the smallest sample with at least a `q`
 * share of the samples at or below it (always one of the samples); NaN when there is none.
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it; another process may take it before you do). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * True when the module of `moduleUrl` (its `import.meta.url`) is the script node was started
 * with, false when it was imported: a bench file runs its `main()` only then.
 */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return moduleUrl === pathToFileURL(realpathSync(script)).href;
  } catch {
    return moduleUrl === pathToFileURL(script).href;
  }
}

/** A chart's frame: a white SVG of `width` × `height` (+40 px of legend above) with its two axes around `parts`. */
export function svgFrame(width: number, height: number, pad: number, parts: readonly string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + 40}" viewBox="0 -40 ${width} ${height + 40}" font-family="sans-serif">
<rect x="0" y="-40" width="${width}" height="${height + 40}" fill="white"/>
<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#999"/><line x1="${pad}" y1="${pad}" x2="${pad}" y2="${height - pad}" stroke="#999"/>
${parts.join('\n')}
</svg>
`;
}
