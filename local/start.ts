/**
 * `npm start`: the whole product on this machine, on a virtual clock (one day per second by
 * default), with the sample company unless --empty. Ctrl-C stops everything.
 */
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, renameSync, statSync, watch } from 'node:fs';
import { basename, join } from 'node:path';
import { startStack, ROOT } from './stack.js';
import { startStatusLine, statusOf, type StatusLine } from './status-line.js';
import { seedCompany, s3Client, upload } from './seed.js';
import { StartupError } from './services/ports.js';
import { execFileSync } from 'node:child_process';
import { CONSOLE_DIR, CONSOLE_DIST, isConsoleBuilt } from '../console/inputs.js';

const INBOX = join(ROOT, 'inbox');
const SAMPLE_TODAY = '2026-01-12';

const main = async () => {
  const { values } = parseArgs({
    options: {
      speed: { type: 'string', default: '1' },
      today: { type: 'string' },
      data: { type: 'string' },
      empty: { type: 'boolean', default: false },
      port: { type: 'string' },
    },
  });
  const daysPerSecond = Number(values.speed);
  if (!(daysPerSecond > 0 && daysPerSecond <= 30)) throw new StartupError('--speed takes the number of virtual days per real second, from 0.001 to 30 (default 1).');
  // The sample company's invoices fall due in January 2026: start there unless told otherwise.
  values.today ??= values.empty ? new Date().toISOString().slice(0, 10) : SAMPLE_TODAY;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(values.today)) throw new StartupError('--today takes a date as YYYY-MM-DD.');
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new StartupError('--port takes a TCP port number.');

  const outDir = join(ROOT, '.sollecito', 'out');
  process.stdout.write('Starting Sollecito locally (DynamoDB Local, S3, SES, SMS, Step Functions)…\n');
  // The finance console, built when missing or older than its sources (a second or two, in its own
  // process: Vite is build tooling, not part of the running stack).
  if (!isConsoleBuilt()) {
    process.stdout.write('Building the finance console…\n');
    execFileSync(process.execPath, ['--import', 'tsx', join(CONSOLE_DIR, 'build.ts')], { cwd: ROOT, stdio: 'inherit' });
  }
  const consoleDir = CONSOLE_DIST;
  // Once the banner is out, every line goes above the live status line.
  let status: StatusLine | undefined;
  const say = (text: string, to: NodeJS.WriteStream = process.stdout) => (status ? status.print(text, to) : to.write(text.endsWith('\n') ? text : `${text}\n`));
  const stack = await startStack({
    consoleDir,
    mode: 'scaled',
    speed: daysPerSecond * 86_400,
    today: values.today!,
    dataDir: values.data,
    port,
    outDir,
    onError: (where, err) => say(`[${where}] ${(err as Error)?.message ?? String(err)}`, process.stderr),
  });
  stack.poller.startLoop(200);

  const quiesce = async () => {
    do await new Promise((r) => setTimeout(r, 50));
    while (stack.activity.busy || stack.pendingS3.length > 0 || (await stack.poller.pollOnce()) > 0);
  };
  if (!values.empty) await seedCompany({ bucket: stack.bucket, settle: quiesce });
  stack.clock.release();

  mkdirSync(join(INBOX, 'customers'), { recursive: true });
  mkdirSync(join(INBOX, 'config'), { recursive: true });
  mkdirSync(join(INBOX, 'bank'), { recursive: true });
  mkdirSync(join(INBOX, 'processed'), { recursive: true });
  const s3 = s3Client();
  // fs.watch reports one file several times: each is uploaded once.
  const busy = new Set<string>();
  const ingestFromInbox = async (dir: string, prefix: string, name: string) => {
    const file = join(dir, name);
    if (busy.has(file) || !existsSync(file) || !statSync(file).isFile()) return;
    busy.add(file);
    try {
      await upload(s3, stack.bucket, `${prefix}${basename(name)}`, file);
      renameSync(file, join(INBOX, 'processed', `${Date.now()}-${basename(name)}`));
      say(`inbox: ${name} uploaded to s3://${stack.bucket}/${prefix}${name}`);
    } finally {
      busy.delete(file);
    }
  };
  const watchDir = (dir: string, prefix: string) =>
    watch(dir, (_e, name) => {
      if (name && !name.startsWith('.') && !['customers', 'config', 'bank', 'processed'].includes(name)) {
        // Give the writer a moment to finish the file.
        setTimeout(() => void ingestFromInbox(dir, prefix, name).catch((err: unknown) => say(`inbox: ${(err as Error).message}`, process.stderr)), 300);
      }
    });
  const watchers = [watchDir(INBOX, 'invoices/'), watchDir(join(INBOX, 'customers'), 'customers/'), watchDir(join(INBOX, 'config'), 'config/'), watchDir(join(INBOX, 'bank'), 'bank/')];

  process.stdout.write(
    [
      '',
      '  Sollecito is running on a virtual clock',
      `  today ${stack.clock.now().toISOString().slice(0, 10)}, ${daysPerSecond} virtual day(s) per second${values.empty ? ', no sample data' : ', sample company loaded'}`,
      '',
      `  Console       ${stack.consoleUrl}   (signs you in as the finance user)`,
      `                read-only viewer: ${stack.viewerConsoleUrl}`,
      `  Admin API     ${stack.apiUrl}/v1/invoices   (OpenAPI, public: ${stack.apiUrl}/openapi.json)`,
      `  Token         Authorization: Bearer ${stack.financeToken}`,
      `                (read-only viewer: Bearer ${stack.viewerToken})`,
      `  Try           curl -H 'Authorization: Bearer ${stack.financeToken}' ${stack.apiUrl}/v1/invoices`,
      `  E-mail inbox  ${stack.ses.inboxUrl}`,
      `  SMS           ${join(outDir, 'sms.jsonl')}`,
      `  Call tasks    ${stack.apiUrl}/v1/calls   (the finance team's call queue)`,
      `  ERP events    ${join(outDir, 'events.jsonl')}`,
      `  Upload        drop invoice files into ${INBOX}/ (customer directories into ${INBOX}/customers/, bank statements into ${INBOX}/bank/),`,
      `                or put them in s3://${stack.bucket}/invoices/ at ${stack.s3Endpoint} (keys S3RVER/S3RVER)`,
      ...(values.empty
        ? [`  First         drop your company's settings (like local/seed/tenant.json) into ${INBOX}/config/tenant.json`]
        : []),
      '',
      '  Stop          Ctrl-C',
      '',
    ].join('\n'),
  );
  status = startStatusLine(() => statusOf(stack), process.stdout);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    status?.stop();
    process.stdout.write('\nStopping…\n');
    for (const w of watchers) w.close();
    s3.destroy();
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
};

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof StartupError ? err.message : (err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
