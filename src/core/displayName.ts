/**
 * A photo path shortened for captions and lists: its last two parts, or the archive member's.
 * @example displayName('/data/intel-scenes/train.tar.gz#buildings/0001.jpg') // 'buildings/0001.jpg'
 */
export function displayName(p: string): string {
  const member = p.includes('#') ? p.slice(p.indexOf('#') + 1) : p;
  return member.split(/[\\/]/).slice(-2).join('/');
}
