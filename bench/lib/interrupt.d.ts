// Types for interrupt.js.
export declare const interrupted: AbortSignal;
export declare function onInterrupt(cleanup: () => unknown): () => void;
export declare function stopOnInterrupt<T extends { stop: () => Promise<void> }>(starting: Promise<T>): Promise<T>;
