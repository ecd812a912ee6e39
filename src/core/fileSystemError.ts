import { DejaError, isDejaError } from './errors.ts';

/** File-system and SQLite failures as one clear line: full disk, read-only folder, no permission. */
export function fileSystemError(e: unknown, file: string, what: string): DejaError | Error {
  if (isDejaError(e)) return e;
  const code = (e as { code?: string }).code ?? '';
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL')
    return new DejaError('DISK_FULL', `${what}: the disk is full`, { file, hint: 'free some space and run the command again; nothing committed was lost' });
  if (code === 'EROFS' || code.startsWith('SQLITE_READONLY'))
    return new DejaError('READ_ONLY', `${what}: the folder is read-only`, { file, hint: 'use a collection folder this account may write' });
  if (code === 'EACCES' || code === 'EPERM' || code === 'SQLITE_CANTOPEN')
    return new DejaError('IO_ERROR', `${what}: permission denied`, { file, hint: 'check the folder\'s owner and permissions' });
  if (code === 'SQLITE_BUSY')
    return new DejaError('LOCKED', `${what}: the database stayed locked by another process`, { file, hint: 'try again in a moment' });
  return e as Error;
}
