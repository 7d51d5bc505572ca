// kiln/esbuild: filled in by the plugin issue.
export {}
