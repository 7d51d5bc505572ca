// Filled in by its issue; runtime/index.ts re-exports this module's public API.
export {}
