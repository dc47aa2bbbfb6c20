// Types for child.js.
export declare function runJsonChild(options: {
  script: string;
  args?: string[];
  execArgv?: string[];
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  // biome-ignore lint/suspicious/noExplicitAny: the child's JSON has whatever shape its script prints
}): Promise<any>;
