/**
 * kiln for esbuild.
 *
 * @example
 * import kiln from 'kiln/esbuild'
 * // add kiln() to the plugins of your esbuild config
 */
import { kilnUnplugin } from './unplugin.js'

export type { KilnOptions } from './options.js'
export default kilnUnplugin.esbuild
