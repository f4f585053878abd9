/** Word lists are written as space-separated text: easier to read and review than an array literal. */
export function words(list: string): string[] {
  return list.trim().split(/\s+/);
}

export function wordSet(list: string): ReadonlySet<string> {
  return new Set(words(list));
}
