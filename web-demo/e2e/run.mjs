// Entry point of `npm run test:e2e`: checks what the browser flows need, then runs them with
// Vitest (vitest.e2e.config.ts). Outside CI a missing Chromium or server jar is a clear skip;
// under CI=true it is a failure.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const jar = resolve(root, process.env.CHAT_SERVER_JAR ?? '../chat-server-undertow/target/chat-server.jar');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ci = process.env.CI === 'true';

const missing = [];
if (!existsSync(chromium)) missing.push(`Chromium not found at ${chromium} (apt-get install -y chromium)`);
if (!existsSync(jar)) missing.push(`server jar not found at ${jar} (mvn -B -DskipTests package -pl chat-server-undertow -am)`);
if (spawnSync('java', ['-version']).status !== 0) missing.push('java not found on PATH');

if (missing.length > 0) {
  if (ci) {
    console.error(`e2e: FAILED, prerequisites missing under CI: ${missing.join('; ')}`);
    process.exit(1);
  }
  console.log(`e2e: SKIPPED (not CI): ${missing.join('; ')}`);
  process.exit(0);
}

const result = spawnSync(
  process.execPath,
  [resolve(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'vitest.e2e.config.ts', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, CHAT_SERVER_JAR: jar, CHROMIUM_PATH: chromium } },
);
process.exit(result.status ?? 1);
