// What every browser test file starts from: `wharf up` with its embedded agent joined, and Debian's Chromium with one
// 1280x800 page whose uncaught errors are collected; closed and its containers removed afterwards.
import type { Page } from 'playwright-core';
import { LABELS } from '../../src/agent/protocol.js';
import type { DockerRuntime } from '../../src/agent/runtime/docker.js';
import { removeLabelled } from '../support/cleanup.js';
import { ensureBusybox } from '../support/images.js';
import { embeddedInstance, startWharf, type Wharf } from '../e2e/harness.js';
import { launchChromium, type Chromium } from './browser.js';

export interface ConsoleSession {
  wharf: Wharf;
  instanceArn: string;
  chrome: Chromium;
  page: Page;
}

/** Fills `s` step by step, so closeConsole can undo whatever a failed start got to. */
export async function openConsole(s: Partial<ConsoleSession>, runtime: DockerRuntime, env: Record<string, string>, pageErrors: string[]): Promise<ConsoleSession> {
  await ensureBusybox(runtime);
  s.wharf = await startWharf({ mode: 'up', env: { WHARF_LB_WORKERS: '0', ...env } });
  const ecs = s.wharf.ecs();
  s.instanceArn = await embeddedInstance(ecs);
  ecs.destroy();
  s.chrome = await launchChromium();
  const context = await s.chrome.browser.newContext({ viewport: { width: 1280, height: 800 } });
  s.page = await context.newPage();
  s.page.on('pageerror', (err) => pageErrors.push(err.message));
  return s as ConsoleSession;
}

export async function closeConsole(s: Partial<ConsoleSession>, runtime: DockerRuntime): Promise<void> {
  await s.chrome?.close();
  await s.wharf?.stop();
  if (s.instanceArn) await removeLabelled(runtime, { [LABELS.instanceArn]: s.instanceArn });
}
