/**
 * kiln for webpack.
 *
 * @example
 * import kiln from 'kiln/webpack'
 * // add kiln() to the plugins of your webpack config
 */
import { kilnUnplugin } from './unplugin.js'

export type { KilnOptions } from './options.js'
export default kilnUnplugin.webpack
