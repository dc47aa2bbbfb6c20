// Types for tree-cpu.js.
export declare function treeCpuMs(rootPid: number): number;
export declare function cpuMeter(rootPids: number[]): { perRequestUs(requests: number): number };
