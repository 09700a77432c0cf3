export * from './catalog.js';
export * from './sim-cloud.js';
export * from './sim-provider.js';
export * from './node-lifecycle.js';
