/** The non-empty value of cookie `name` in a `Cookie` header's value, or undefined. */
export function cookieValue(header: string, name: string): string | undefined {
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    const cookie = pair.slice(eq + 1).trim();
    if (eq > 0 && pair.slice(0, eq).trim() === name && cookie !== '') return cookie;
  }
  return undefined;
}
