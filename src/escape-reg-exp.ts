/** `text` as a regular expression that matches it literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^$|()[\]{}\\]/g, '\\$&');
}
