import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startPrivateNats, startPrivateRedis, type PrivateServer } from '@switchboard/testkit';
import { postCall, startMesh, type Mesh } from './support/mesh.js';
import { launchChromium } from '../support/chromium.js';

const ARTIFACTS = join(REPO_ROOT, 'tests/artifacts');

/**
 * Issue 7, must-show 3: the ops console in headless Chromium (Debian's, driven by playwright-core)
 * shows a queue tile and an agent, both updating live over SSE without a reload, and a contact's
 * trace timeline; the screenshot lands in tests/artifacts/ops-console.png.
 */
describe('ops console in headless Chromium', () => {
  let nats: PrivateServer;
  let redis: PrivateServer;
  let mesh: Mesh;
  let browser: Browser;

  beforeAll(async () => {
    [nats, redis] = await Promise.all([startPrivateNats(), startPrivateRedis()]);
    mesh = await startMesh({ natsUrl: nats.url, redisUrl: redis.url, domain: 'console', agents: [] });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await mesh?.stop();
    await Promise.all([nats?.destroy(), redis?.destroy()]);
  });

  it('shows queues and agents updating live, and a contact trace', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, extraHTTPHeaders: mesh.opsHeaders });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(mesh.opsUrl);
    const tile = page.locator('.tile[data-queue="general"]');
    await tile.waitFor({ timeout: 15_000 });
    await page.locator('#live[data-state="live"]').waitFor({ timeout: 10_000 });
    expect(await tile.getAttribute('data-depth')).toBe('0');

    // No agent yet: calls wait, and the tile shows them without a reload.
    const contacts = [];
    for (let i = 0; i < 3; i++) contacts.push(await postCall(mesh.phoneUrl, `console-call-${i}-${Date.now()}`, i === 0 ? 'billing' : 'support'));
    await page.locator('.tile[data-queue="general"][data-depth="3"]').waitFor({ timeout: 15_000 });

    // An agent signs in (its own process): the row appears live and takes the waiting calls.
    await mesh.startDesk('agent-ada', 4_000);
    await page.locator('tr[data-agent="agent-ada"]').waitFor({ timeout: 15_000 });
    await page.locator('tr[data-agent="agent-ada"][data-state="busy"]').waitFor({ timeout: 15_000 });
    await page.locator('.tile[data-queue="general"][data-depth="2"]').waitFor({ timeout: 15_000 });
    await mesh.startDesk('agent-grace', 6_000);
    await page.locator('tr[data-agent="agent-grace"][data-state="busy"]').waitFor({ timeout: 15_000 });
    await page.locator('.tile[data-queue="general"][data-depth="1"]').waitFor({ timeout: 15_000 });

    // The first contact's trace, drawn as a timeline with the decision's explanation.
    await page.fill('#search-input', contacts[0]!);
    await page.click('#search button');
    await page.locator(`.trace-body[data-contact="${contacts[0]}"] li[data-kind="offered"] .explain`).waitFor({ timeout: 10_000 });
    await page.locator(`.trace-body li[data-kind="accepted"]`).waitFor({ timeout: 10_000 });
    expect(await page.locator('#activity li').count()).toBeGreaterThan(3);
    expect(errors).toEqual([]);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'ops-console.png'), fullPage: true });
  }, 120_000);

  it('shows staffing: agents needed now and for the next intervals beside the agents signed in', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, extraHTTPHeaders: mesh.opsHeaders });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // The calls above were served: once ops' recorder has counted them, the view needs one agent now (the live rate; no past weeks).
    let needed: string | null = null;
    for (let attempt = 0; attempt < 30 && needed !== '1'; attempt++) {
      await page.goto(mesh.opsUrl);
      const now = page.locator('#staffing tr[data-queue="general"] td.staff-cell').first();
      await now.waitFor({ timeout: 15_000 });
      needed = await now.getAttribute('data-needed');
      if (needed !== '1') await page.waitForTimeout(500);
    }
    expect(needed).toBe('1');
    const row = page.locator('#staffing tr[data-queue="general"]');
    expect(await row.locator('td.staff-cell').count()).toBe(9);
    expect(await row.locator('td.staff-cell').first().textContent()).toBe('1 / 2');
    expect(await row.locator('td.staff-cell').first().getAttribute('title')).toMatch(/^phone [\d.]+\/15m · AHT \d+s → 1 \(live rate\)$/);
    expect(await row.textContent()).toContain('80% in 20s · 2 signed in');
    expect(await page.locator('#staffing-head th').count()).toBe(10);
    expect(errors).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('.staffing-panel').screenshot({ path: join(ARTIFACTS, 'ops-staffing.png') });
  }, 60_000);
});
