/**
 * `npm start` (local/start.ts, in a child process, the sample company loaded) does not fall silent
 * after its banner: a status line follows the virtual days and what the product did on them.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../local/stack.js';

const LINE = /^day (\d{4}-\d{2}-\d{2}) · (\d+) invoices? chased · (\d+) e-mails? · (\d+) SMS · (\d+) calls? queued · (\d+) credit holds? · (\d+) hand-offs? · (\d+) customer answers?$/;

describe('npm start', () => {
  it('prints a live line of the virtual day, messages sent, calls placed and holds', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'local/start.ts'), '--speed', '10'], {
      cwd: ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const lines = () => out.split('\n').map((l) => LINE.exec(l)).filter((m): m is RegExpExecArray => m !== null);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no status line with a hold in time:\n${out.slice(-2000)}`)), 150_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          // Far enough for the sample company's first holds: e-mails, calls and a hold counted.
          if (lines().some((m) => Number(m[6]) > 0)) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once('exit', () => reject(new Error(`npm start ended:\n${out.slice(-2000)}`)));
      });
    } finally {
      child.kill('SIGINT');
    }
    await exited;
    const seen = lines();
    const days = seen.map((m) => m[1]!);
    expect(days[0]).toBe('2026-01-12');
    // One line per virtual day, in order, the counts never going back.
    expect([...days].sort()).toEqual(days);
    expect(new Set(days).size).toBe(days.length);
    for (const col of [3, 5, 6]) {
      const values = seen.map((m) => Number(m[col]));
      expect(values).toEqual([...values].sort((a, b) => a - b));
    }
    const last = seen.at(-1)!;
    expect(Number(last[3])).toBeGreaterThan(0);
    expect(Number(last[5])).toBeGreaterThan(0);
    expect(out).toContain('Sollecito is running on a virtual clock');
  }, 180_000);
});
