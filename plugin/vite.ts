/**
 * kiln for vite.
 *
 * @example
 * import kiln from 'kiln/vite'
 * // add kiln() to the plugins of your vite config
 */
import { kilnUnplugin } from './unplugin.js'

export type { KilnOptions } from './options.js'
export default kilnUnplugin.vite
