/// <reference lib="dom" />
import { execFileSync } from 'node:child_process';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fallbackAnswer,
  type StreamingChat,
  startStreamingChat,
} from '../src/streaming-chat/server.js';

// The streaming chat page in a real browser (Debian's chromium, driven by playwright-core): the
// primary model fails mid-answer, the page takes its words back on `reset`, and ends with exactly
// the fallback's answer, received in many chunks.

function chromiumPath(): string {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('which', [name], { encoding: 'utf8' }).trim();
    } catch {
      // not this one
    }
  }
  throw new Error('no Chromium found: install the Debian package `chromium` (.ci/run does)');
}

let chat: StreamingChat;
let browser: Browser;
beforeAll(async () => {
  chat = await startStreamingChat({ chunkDelayMs: 15 });
  browser = await chromium.launch({
    executablePath: chromiumPath(),
    // Root in CI containers: Chromium's sandbox needs a user namespace it does not get there.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
});
afterAll(async () => {
  await browser?.close();
  await chat?.close();
});

describe('streaming chat in Chromium', () => {
  it('shows the tokens as they arrive, takes back the failed model’s words, ends with the fallback’s answer', async () => {
    const page = await browser.newPage();
    // Every text the answer box shows, in order (watched from before the first event arrives):
    // proof the tokens arrived one by one.
    await page.addInitScript(() => {
      const w = window as unknown as { shown: string[] };
      w.shown = [];
      document.addEventListener('DOMContentLoaded', () => {
        const answer = document.getElementById('answer') as HTMLElement;
        new MutationObserver(() => w.shown.push(answer.textContent ?? '')).observe(answer, {
          childList: true,
          characterData: true,
          subtree: true,
        });
      });
    });
    const question = 'Why is the sky blue?';
    await page.goto(`${chat.url}?q=${encodeURIComponent(question)}`);
    const shown: string[] = [];
    await page.waitForFunction(
      () => document.getElementById('status')?.textContent === 'done',
      null,
      {
        timeout: 20_000,
      },
    );
    shown.push(...(await page.evaluate(() => (window as unknown as { shown: string[] }).shown)));
    expect(await page.textContent('#answer')).toBe(fallbackAnswer(question));
    // The primary model's words were on the page, then taken back by the reset.
    expect(shown.some((text) => text.startsWith('The primary model'))).toBe(true);
    expect(await page.textContent('#log')).toMatch(/reset: 4 chunks taken back/);
    // Streamed: the page showed many partial answers, not one final text.
    expect(Number(await page.textContent('#chunks'))).toBeGreaterThan(10);
    expect(shown.filter((text) => text.startsWith('Here is')).length).toBeGreaterThan(10);
    await page.close();
  });
});
