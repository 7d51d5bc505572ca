// kiln/rollup: filled in by the plugin issue.
export {}
