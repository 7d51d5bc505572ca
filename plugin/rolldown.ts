/**
 * kiln for rolldown.
 *
 * @example
 * import kiln from 'kiln/rolldown'
 * // add kiln() to the plugins of your rolldown config
 */
import { kilnUnplugin } from './unplugin.js'

export type { KilnOptions } from './options.js'
export default kilnUnplugin.rolldown
