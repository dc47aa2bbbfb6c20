// Types for progress.js.
export declare function createProgress(options?: { quiet?: boolean; stream?: NodeJS.WriteStream }): {
  update: (message: string) => void;
  done: () => void;
};
