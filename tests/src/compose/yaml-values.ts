import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, from tests/dist/compose/ (compiled) or tests/src/compose/. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const readRepoFile = (relative: string): string => readFileSync(path.join(repoRoot, relative), 'utf8');

export type YamlMap = Record<string, unknown>;

export const isMap = (v: unknown): v is YamlMap => typeof v === 'object' && v !== null && !Array.isArray(v);

export const asMap = (v: unknown): YamlMap => (isMap(v) ? v : {});

export const asList = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);

export const asString = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

/**
 * An image reference is pinned when it names a digest, or a tag other than `latest`.
 * Interpolated references (`${TAG}`) are not: what runs would depend on the shell.
 */
export function imagePinProblem(image: unknown): string | undefined {
  const ref = asString(image);
  if (!ref) return 'has no image';
  if (ref.includes('$')) return `image ${ref} is interpolated`;
  if (/@sha256:[0-9a-f]{64}$/.test(ref)) return undefined;
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', lastSlash + 1);
  if (colon < 0) return `image ${ref} has no tag`;
  const tag = ref.slice(colon + 1);
  if (tag === '' || tag === 'latest') return `image ${ref} is not pinned`;
  return undefined;
}
