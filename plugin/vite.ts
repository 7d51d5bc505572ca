// kiln/vite: filled in by the plugin issue.
export {}
