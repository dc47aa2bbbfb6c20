// Entry the primary preloads into every app process (`node --import <this> app.js`), before the app's own code.
import { install } from './install.js';

install();
