import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free loopback port, found by binding port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The real chat server jar on a free port with a fresh data directory. `restart()` keeps the
 * port and the data directory, as a person restarting the server would.
 */
export class ServerProcess {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'chat-e2e-'));
  private proc: ChildProcess | null = null;
  private log: WriteStream;
  port = 0;
  /** Set when the server process ended without stop() being called. */
  unexpectedExit: string | null = null;

  constructor(
    private readonly jar: string,
    logFile: string,
  ) {
    this.log = createWriteStream(logFile, { flags: 'w' });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    this.log.write(`\n==== starting on ${this.port}, data ${this.dataDir}\n`);
    const proc = spawn('java', ['-Xmx512m', '-jar', this.jar], {
      env: { ...process.env, CHAT_PORT: String(this.port), CHAT_HOST: '127.0.0.1', CHAT_DATA_DIR: this.dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.pipe(this.log, { end: false });
    proc.stderr?.pipe(this.log, { end: false });
    this.proc = proc;
    let exited: number | null = null;
    proc.once('exit', (code, signal) => {
      exited = code ?? -1;
      // An exit this harness did not ask for (a crash, or a signal from elsewhere) is worth a line.
      if (this.proc === proc) {
        this.unexpectedExit = `server pid ${proc.pid} exited unexpectedly (code ${code}, signal ${signal})`;
        this.log.write(`==== ${this.unexpectedExit}\n`);
      }
    });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (exited !== null) throw new Error(`server exited with ${exited} while starting (see ${this.log.path})`);
      try {
        const res = await fetch(`${this.baseUrl}/readyz`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`server not ready within 60 s (see ${this.log.path})`);
  }

  /** SIGTERM, then SIGKILL if it has not exited within 15 s. */
  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async dispose(): Promise<void> {
    await this.stop();
    this.log.end();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
