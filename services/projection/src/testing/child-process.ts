import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const mainJs = fileURLToPath(new URL('../main.js', import.meta.url));

export type ServiceProcess = Readonly<{ child: ChildProcess; output: () => string; exited: Promise<number | null> }>;

/** `services/projection/dist/main.js` as its own process, as it runs in production. */
export function spawnProjection(env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ['--enable-source-maps', mainJs], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

export const randomPort = (): number => 20_000 + Math.floor(Math.random() * 40_000);
