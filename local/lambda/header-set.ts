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

  toObject(): Record<string, string | string[]> {
    return Object.fromEntries(this.byName.values());
  }
}
