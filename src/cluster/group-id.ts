import { readFileSync } from 'node:fs';

/**
 * The gid of a group given by name (looked up in `/etc/group`, as `chgrp` would find a local group) or as a number;
 * undefined when this machine has no such group. Node has no getgrnam(), and groups from a directory service
 * (LDAP through NSS) are not in the file: give those as a gid.
 */
export function groupId(group: string | number, groupFile = '/etc/group'): number | undefined {
  if (typeof group === 'number') return Number.isInteger(group) && group >= 0 ? group : undefined;
  if (/^\d+$/.test(group)) return Number(group);
  let text: string;
  try {
    text = readFileSync(groupFile, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const [name, , gid] = line.split(':');
    if (name === group && gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  return undefined;
}
