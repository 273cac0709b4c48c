/** What the benchmark scripts share: options, writing their block of a doc, seeding, child processes. */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

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
