/**
 * `npm start` on a machine without Java, or with the asked port taken: one sentence that says what
 * to do, exit code 1, no stack trace. Runs the real entry point (local/start.ts) in a child process.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ROOT } from '../../local/stack.js';
import { freePort } from '../../local/services/ports.js';

const start = (args: string[], env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'local/start.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('npm start refuses clearly', () => {
  it('without Java: one sentence naming Java 17 and how to get it', () => {
    // A PATH with node only: no java on it.
    const bin = mkdtempSync(join(tmpdir(), 'sollecito-nojava-'));
    symlinkSync(process.execPath, join(bin, 'node'));
    const r = start(['--empty'], { PATH: bin });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Java was not found: DynamoDB Local needs Java 17 or newer/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('with the asked port taken: one sentence naming the port and --port', async () => {
    const port = await freePort();
    const srv = createServer().listen(port, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    try {
      const r = start(['--empty', '--port', String(port)], {});
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`Port ${port} is already in use: stop whatever listens there or choose another port with --port.`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      srv.close();
    }
  });
});
