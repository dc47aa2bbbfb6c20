// Entry the primary preloads into every app process (`node --import <this> app.js`), before the app's own code.
import { RUNTIME_PRELOAD } from '../pool/inherited-exec-argv.js';
import { install } from './install.js';

// So that the pool's workers can leave this preload out of the flags they inherit (pool/inherited-exec-argv.ts).
(globalThis as { [RUNTIME_PRELOAD]?: string })[RUNTIME_PRELOAD] = import.meta.url;
install();
