/**
 * Response headers as the function names them: Lambda sends a name in the case the function wrote it (a client
 * may match it verbatim), and once, however many spellings of it the function gave (the last one wins).
 */
export class HeaderSet {
  private readonly byName = new Map<string, [string, string | string[]]>();

  set(name: string, value: string | string[]): this {
    this.byName.set(name.toLowerCase(), [name, value]);
    return this;
  }

  get(name: string): string | string[] | undefined {
    return this.byName.get(name.toLowerCase())?.[1];
  }

  /** Removes a header and gives its value (undefined when it was not there). */
  take(name: string): string | string[] | undefined {
    const value = this.get(name);
    this.byName.delete(name.toLowerCase());
    return value;
  }

  toObject(): Record<string, string | string[]> {
    return Object.fromEntries(this.byName.values());
  }
}
