import assert from 'node:assert/strict';
import { request } from 'undici';
import { parsePrometheusText, type Sample } from './prometheus-text.js';

/** GETs `url` on a connection of its own (none kept alive to hold a process open) and returns its status and body. */
export async function fetchText(url: string): Promise<{ status: number; text: string }> {
  const { statusCode, body } = await request(url, { reset: true });
  return { status: statusCode, text: await body.text() };
}

/** The samples of the Prometheus endpoint at `${base}/metrics`, which must answer 200. */
export async function scrape(base: string): Promise<Sample[]> {
  const { status, text } = await fetchText(`${base}/metrics`);
  assert.equal(status, 200);
  return parsePrometheusText(text).samples;
}
