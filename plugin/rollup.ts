/**
 * kiln for rollup.
 *
 * @example
 * import kiln from 'kiln/rollup'
 * // add kiln() to the plugins of your rollup config
 */
import { kilnUnplugin } from './unplugin.js'

export type { KilnOptions } from './options.js'
export default kilnUnplugin.rollup
