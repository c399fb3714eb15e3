import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { UsageError } from './errors';

/**
 * Makes sure `dir` is a folder this process can write, creating it (and its parents) when needed, before
 * a command downloads anything into it: a bad `--out` is a usage error at once, not after the download.
 * @returns whether the folder was created now (so a command that fails can remove it again)
 */
export function prepareOutDir(dir: string, flag = '--out'): { created: boolean } {
  const hint = `Pass ${flag} <folder>: a new folder, or an existing one you may write to.`;
  let existed = false;
  try {
    const stat = statSync(dir);
    if (!stat.isDirectory()) throw new UsageError(`${flag} ${dir} is a file, not a folder.`, hint);
    existed = true;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new UsageError(`${flag} ${dir} cannot be a folder: part of its path is a file.`, hint);
    if (code !== 'ENOENT') throw new UsageError(`${flag} ${dir} cannot be used (${code}).`, hint);
  }
  if (!existed) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'ENOTDIR' || code === 'EEXIST' ? 'part of its path is a file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : code;
      throw new UsageError(`${flag} ${dir} cannot be created: ${why}.`, hint);
    }
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${dir} is not writable: permission denied.`, hint);
  }
  return { created: !existed };
}
