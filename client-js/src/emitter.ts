/** A minimal event registry: handlers by name, called in registration order, safe against (un)subscription mid-emit. */
export class Emitter {
  private readonly handlers = new Map<string, Set<(arg: any) => unknown>>();

  on(name: string, handler: (arg: any) => unknown): () => void {
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    set.add(handler);
    return () => this.off(name, handler);
  }

  /** Whether `name` has at least one handler (an emptied set is removed by {@link off}, so presence means one). */
  has(name: string): boolean {
    return this.handlers.has(name);
  }

  off(name: string, handler: (arg: any) => unknown): void {
    const set = this.handlers.get(name);
    if (set?.delete(handler) && set.size === 0) this.handlers.delete(name);
  }

  /**
   * Calls every handler of `name`. A throwing handler is reported and does not stop the others. Answers the promises
   * that async handlers returned, so the caller can wait for them.
   */
  emit(name: string, arg: unknown, onError: (error: unknown) => void): Promise<unknown>[] {
    const set = this.handlers.get(name);
    if (!set) return [];
    const pending: Promise<unknown>[] = [];
    for (const handler of [...set]) {
      try {
        const result = handler(arg);
        if (isThenable(result)) pending.push(Promise.resolve(result).catch(onError));
      } catch (error) {
        onError(error);
      }
    }
    return pending;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
