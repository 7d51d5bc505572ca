// kiln/rolldown: filled in by the plugin issue.
export {}
