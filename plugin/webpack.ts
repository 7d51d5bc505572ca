// kiln/webpack: filled in by the plugin issue.
export {}
