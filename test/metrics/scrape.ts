import assert from 'node:assert/strict';
import { request } from 'undici';
import { parsePrometheusText, type Sample } from './prometheus-text.js';

/** GETs `url` on a connection of its own (none kept alive to hold a process open) and returns its status and body. */
export async function fetchText(url: string): Promise<{ status: number; text: string }> {
  const { statusCode, body } = await request(url, { reset: true });
  return { status: statusCode, text: await body.text() };
}

/**
 * The exposition text of the Prometheus endpoint at `${base}${path}`, which must answer 200 (its body is the failure
 * message otherwise). `path` is '' where `base` is the endpoint's whole URL (the daemon's, as `hive version` gives it).
 */
export async function scrapeText(base: string, path = '/metrics'): Promise<string> {
  const { status, text } = await fetchText(`${base}${path}`);
  assert.equal(status, 200, text);
  return text;
}

/** The samples of the Prometheus endpoint at `${base}${path}` (see scrapeText). */
export async function scrape(base: string, path = '/metrics'): Promise<Sample[]> {
  return parsePrometheusText(await scrapeText(base, path)).samples;
}
